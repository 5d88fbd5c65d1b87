/**
 * The one configuration module. Every setting comes from the environment, is validated
 * once at start, and a bad key fails start-up with one clear line per key.
 */
import * as yup from 'yup';

const commaList = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : [];

const bool = () =>
  yup
    .boolean()
    .transform((_value: unknown, original: unknown) =>
      original === 'true' || original === '1'
        ? true
        : original === 'false' || original === '0'
          ? false
          : original,
    );

export const envSchema = yup.object({
  NODE_ENV: yup.string().oneOf(['development', 'test', 'production']).default('development'),
  PORT: yup.number().integer().min(0).max(65535).default(3000),
  REALTIME_PORT: yup.number().integer().min(0).max(65535).default(3001),
  REALTIME_WORKER_CONCURRENCY: yup.number().integer().min(1).default(16),
  REALTIME_JOB_TIMEOUT_MS: yup.number().integer().min(100).default(10000),
  /** At most one driver_location event per driver per this many milliseconds. */
  REALTIME_LOCATION_THROTTLE_MS: yup.number().integer().min(0).default(1000),
  /** How often connected sockets are re-checked against their session (0 turns it off). */
  REALTIME_SESSION_CHECK_SECONDS: yup.number().integer().min(0).default(30),
  HOST: yup.string().default('0.0.0.0'),
  DATABASE_URL: yup.string().default('postgres://postgres@127.0.0.1:5432/invo'),
  DATABASE_POOL_MAX: yup.number().integer().min(1).default(10),
  REDIS_URL: yup.string().default('redis://127.0.0.1:6379'),
  /**
   * A Redis Cluster instead of one Redis: `host:port,…` (some masters; the rest are found).
   * Set this or REDIS_URL, not both (docs/operations.md, "Outgrowing one Redis").
   */
  REDIS_CLUSTER_NODES: yup.string().default(''),
  /** Prefix for every Redis key and BullMQ queue, so several deployments can share one Redis. */
  REDIS_PREFIX: yup.string().default('invo'),
  /** A Redis command unanswered after this fails (the API answers 503 instead of hanging). */
  REDIS_COMMAND_TIMEOUT_MS: yup.number().integer().min(50).default(1000),
  JWT_SECRET: yup.string().when('NODE_ENV', {
    is: 'production',
    then: (schema) => schema.required().min(32),
    otherwise: (schema) => schema.default('development-only-secret-change-me-0123456789'),
  }),
  JWT_ACCESS_TTL_SECONDS: yup
    .number()
    .integer()
    .min(60)
    .default(24 * 3600),
  JWT_REFRESH_TTL_SECONDS: yup
    .number()
    .integer()
    .min(60)
    .default(7 * 24 * 3600),
  /**
   * On /api/mobile/auth/refresh-token/ only: a spent refresh token presented again within
   * this window of its last use (and no later token of its session used) rotates again
   * instead of revoking the session. 0 = off. Default: the access lifetime plus an hour.
   */
  REFRESH_REUSE_GRACE_SECONDS: yup
    .number()
    .integer()
    .min(0)
    .default(25 * 3600),
  OTP_TTL_SECONDS: yup.number().integer().min(30).default(300),
  OTP_MAX_ATTEMPTS: yup.number().integer().min(1).default(5),
  OTP_MAX_REQUESTS_PER_PHONE_HOUR: yup.number().integer().min(1).default(5),
  OTP_MAX_REQUESTS_PER_IP_HOUR: yup.number().integer().min(1).default(50),
  /** Code requests per phone per hour from all clients together (bounds SMS per phone). */
  OTP_PHONE_CEILING_PER_HOUR: yup.number().integer().min(1).default(30),
  OTP_TEST_NUMBERS: yup.string().default(''),
  OTP_TEST_NUMBERS_IN_PRODUCTION: bool().default(false),
  DEFAULT_COUNTRY: yup.string().length(2).default('KZ'),
  DEFAULT_LOCALE: yup.string().oneOf(['ru', 'en']).default('ru'),
  TIME_ZONE: yup.string().default('Asia/Atyrau'),
  SMS_PROVIDER: yup.string().oneOf(['log', 'http']).default('log'),
  SMS_HTTP_URL_TEMPLATE: yup.string().default(''),
  SMS_HTTP_METHOD: yup.string().oneOf(['GET', 'POST']).default('GET'),
  SMS_HTTP_TIMEOUT_MS: yup.number().integer().min(100).default(5000),
  /** A 2xx answer whose body matches this regular expression is a failed send (e.g. SMSC.kz). */
  SMS_HTTP_FAILURE_PATTERN: yup.string().default(''),
  BOOKING_WINDOW_DAYS: yup.number().integer().min(1).default(30),
  GEOFENCE_ARRIVAL_METERS: yup.number().min(1).default(80),
  NO_SHOW_WAIT_SECONDS: yup.number().integer().min(0).default(300),
  POSITION_FRESH_SECONDS: yup.number().integer().min(1).default(120),
  DISPATCH_REVIEW: yup.string().oneOf(['auto', 'manual']).default('auto'),
  DISPATCH_OFFER_TIMEOUT_SECONDS: yup.number().integer().min(1).default(20),
  DISPATCH_GIVE_UP_SECONDS: yup.number().integer().min(1).default(600),
  DISPATCH_LEAD_MINUTES: yup.number().integer().min(0).default(30),
  DISPATCH_MAX_PICKUP_KM: yup.number().min(0.1).default(15),
  DISPATCH_FAIRNESS_MAX_EXTRA_KM: yup.number().min(0).default(2),
  DISPATCH_ACCESSIBLE_RESERVE_KM: yup.number().min(0).default(3),
  DISPATCH_REGION_MODE: yup.string().oneOf(['priority', 'hard']).default('priority'),
  /** ranked: each order ranked alone when its job runs; batch: matching rounds per region group. */
  DISPATCH_POLICY: yup.string().oneOf(['ranked', 'batch']).default('ranked'),
  /** How often a batch matching round runs per region group. */
  DISPATCH_BATCH_WINDOW_MS: yup.number().integer().min(200).default(3000),
  /** Nearest eligible drivers per order that a batch round considers (bounds the solver). */
  DISPATCH_BATCH_CANDIDATES: yup.number().integer().min(1).max(100).default(8),
  /** Batch cost, in metres of pickup distance: added for a driver of another region. */
  DISPATCH_COST_OTHER_REGION_M: yup.number().min(0).default(0),
  /** Batch cost: added per trip today above the fewest among the order's candidates. */
  DISPATCH_COST_FAIRNESS_M_PER_TRIP: yup.number().min(0).default(1200),
  /** Batch cost: added for an accessible vehicle on a trip that does not need one. */
  DISPATCH_COST_ACCESSIBLE_RESERVE_M: yup.number().min(0).default(2500),
  /** Batch cost: subtracted per minute the order has waited in matching… */
  DISPATCH_COST_URGENCY_M_PER_MINUTE: yup.number().min(0).default(200),
  /** …up to this much. */
  DISPATCH_COST_URGENCY_MAX_M: yup.number().min(0).default(3000),
  DISPATCH_JOB_TIMEOUT_MS: yup.number().integer().min(100).default(10000),
  DISPATCH_RETRY_BACKOFF_MS: yup.number().integer().min(10).default(5000),
  DISPATCH_WORKER_CONCURRENCY: yup.number().integer().min(1).default(8),
  DISPATCH_ASSIGN_WAIT_MS: yup.number().integer().min(0).default(5000),
  /** BullMQ lock of a running dispatch job; a crashed worker's job is taken over after it. */
  DISPATCH_LOCK_MS: yup.number().integer().min(500).default(30000),
  CORS_ORIGINS: yup.string().default(''),
  BODY_LIMIT_KB: yup.number().integer().min(1).default(64),
  TRUST_PROXY: bool().default(false),
  /** Writes (POST/PUT/PATCH/DELETE under /api/) per minute per signed-in user; 0 turns it off. */
  RATE_LIMIT_USER_WRITES_PER_MINUTE: yup.number().integer().min(0).default(120),
  /** Anonymous writes per minute per client IP; 0 turns it off. */
  RATE_LIMIT_IP_WRITES_PER_MINUTE: yup.number().integer().min(0).default(60),
  /** The worker's own HTTP port for /metrics and /healthz (web and realtime use their own). */
  WORKER_METRICS_PORT: yup.number().integer().min(0).max(65535).default(9101),
  /** When set, /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: yup.string().default(''),
  /**
   * On SIGTERM the web keeps serving this long with /readyz at 503, so the load balancer
   * takes it out of rotation before it stops accepting connections.
   */
  SHUTDOWN_DRAIN_SECONDS: yup
    .number()
    .integer()
    .min(0)
    .when('NODE_ENV', {
      is: 'production',
      then: (schema) => schema.default(5),
      otherwise: (schema) => schema.default(0),
    }),
  /** How often the worker prunes old rows (one run per period across all workers). */
  MAINTENANCE_INTERVAL_MINUTES: yup.number().integer().min(1).default(60),
  /** Published outbox rows are kept this long (for tracing a job back), then deleted. */
  OUTBOX_RETENTION_HOURS: yup.number().integer().min(1).default(72),
  /** Sent or given-up SMS rows (masked phone, status; no text) are kept this long. */
  SMS_RETENTION_DAYS: yup.number().integer().min(1).default(30),
  /** An outbox row the relay failed to publish this many times (Redis up) is dead-lettered. */
  OUTBOX_MAX_ATTEMPTS: yup.number().integer().min(1).default(5),
  /** How often a worker reconciles owed work from PostgreSQL (one sweep at a time overall). */
  RECOVERY_SWEEP_SECONDS: yup.number().integer().min(1).default(60),
  /** Work owed this long ago with no live job is re-owed (leaves the relay time to publish). */
  RECOVERY_GRACE_SECONDS: yup.number().integer().min(1).default(5),
  /** How often a worker checks Redis' epoch key to notice a wipe or restart. */
  RECOVERY_EPOCH_CHECK_MS: yup.number().integer().min(100).default(1000),
  /** Map tiles of the dispatcher console ({z}/{x}/{y} template); empty: no tiles, shapes only. */
  CONSOLE_TILE_URL: yup.string().default(''),
  /** Where the console's browser reaches realtime; empty: this host on REALTIME_PORT. */
  CONSOLE_REALTIME_URL: yup.string().default(''),
  LOG_LEVEL: yup
    .string()
    .oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

type Env = yup.InferType<typeof envSchema>;

export interface TestPhoneCode {
  phone: string;
  code: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  http: {
    port: number;
    host: string;
    bodyLimitKb: number;
    corsOrigins: string[];
    trustProxy: boolean;
  };
  rateLimit: { userWritesPerMinute: number; ipWritesPerMinute: number };
  metrics: { workerPort: number; token: string };
  console: { tileUrl: string; realtimeUrl: string };
  shutdownDrainSeconds: number;
  realtime: {
    port: number;
    workerConcurrency: number;
    jobTimeoutMs: number;
    locationThrottleMs: number;
    sessionCheckSeconds: number;
  };
  databaseUrl: string;
  databasePoolMax: number;
  redis: {
    url: string;
    /** Null: one Redis at `url`. */
    clusterNodes: { host: string; port: number }[] | null;
    prefix: string;
    commandTimeoutMs: number;
  };
  jwt: {
    secret: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    /** See REFRESH_REUSE_GRACE_SECONDS: the original apps' refresh, which keeps only `access`. */
    refreshReuseGraceSeconds: number;
  };
  otp: {
    ttlSeconds: number;
    maxAttempts: number;
    maxRequestsPerPhoneHour: number;
    maxRequestsPerIpHour: number;
    phoneCeilingPerHour: number;
    /** Raw `phone:code` pairs; phones are normalised by lib/auth, which owns phone rules. */
    testNumbers: TestPhoneCode[];
  };
  defaultCountry: string;
  defaultLocale: 'ru' | 'en';
  timeZone: string;
  sms: {
    provider: 'log' | 'http';
    httpUrlTemplate: string;
    httpMethod: 'GET' | 'POST';
    httpTimeoutMs: number;
    /** Empty: any 2xx answer is a success. */
    httpFailurePattern: string;
  };
  orders: { bookingWindowDays: number; geofenceArrivalMeters: number; noShowWaitSeconds: number };
  dispatch: {
    review: 'auto' | 'manual';
    offerTimeoutSeconds: number;
    giveUpSeconds: number;
    leadMinutes: number;
    maxPickupKm: number;
    positionFreshSeconds: number;
    fairnessMaxExtraKm: number;
    accessibleReserveKm: number;
    regionMode: 'priority' | 'hard';
    policy: 'ranked' | 'batch';
    batchWindowMs: number;
    batchCandidates: number;
    cost: {
      otherRegionM: number;
      fairnessPerTripM: number;
      accessibleReserveM: number;
      urgencyPerMinuteM: number;
      urgencyMaxM: number;
    };
    jobTimeoutMs: number;
    retryBackoffMs: number;
    workerConcurrency: number;
    assignWaitMs: number;
    lockMs: number;
  };
  maintenance: { intervalMinutes: number; outboxRetentionHours: number; smsRetentionDays: number };
  outbox: { maxAttempts: number };
  recovery: { sweepSeconds: number; graceSeconds: number; epochCheckMs: number };
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTestNumbers(raw: string): { pairs: TestPhoneCode[]; problems: string[] } {
  const pairs: TestPhoneCode[] = [];
  const problems: string[] = [];
  for (const item of commaList(raw)) {
    const separator = item.lastIndexOf(':');
    const phone = item.slice(0, separator).trim();
    const code = item.slice(separator + 1).trim();
    if (separator <= 0 || !/^\d{6}$/.test(code)) {
      problems.push(
        `OTP_TEST_NUMBERS: "${item.slice(0, 4)}…" must be phone:code with a 6-digit code`,
      );
    } else {
      pairs.push({ phone, code });
    }
  }
  return { pairs, problems };
}

/**
 * Secrets published in this repository (.env.example, the README's and compose's demo, the
 * tests'): anyone can sign tokens with them. test/unit/production-secrets.test.ts fails when
 * a file gains a JWT_SECRET value missing here.
 */
export const publishedSecrets = [
  'development-only-secret-change-me-0123456789',
  'demo-only-secret-0123456789-0123456789',
  'test-secret-0123456789-0123456789-0123456789',
];

/** Why a production JWT secret is unsafe, or null. */
export function productionSecretProblem(secret: string): string | null {
  if (
    publishedSecrets.includes(secret) ||
    /change-?me|example|demo-only|development-only/i.test(secret)
  ) {
    return 'JWT_SECRET is a published example value; generate one (openssl rand -base64 48)';
  }
  if (secret.length < 32 || new Set(secret).size < 12) {
    return 'JWT_SECRET must be 32+ random characters (openssl rand -base64 48)';
  }
  return null;
}

/** REDIS_CLUSTER_NODES as nodes (null when unset); problems for bad entries or both set. */
function parseClusterNodes(
  raw: string,
  redisUrl: string | undefined,
  problems: string[],
): { host: string; port: number }[] | null {
  const entries = commaList(raw);
  if (entries.length === 0) return null;
  if (redisUrl !== undefined && redisUrl !== '') {
    problems.push('set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  const nodes = entries.map((entry) => {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      problems.push(`REDIS_CLUSTER_NODES: "${entry}" is not host:port`);
    }
    return { host: match?.[1] ?? entry, port };
  });
  return nodes;
}

/** Reads and validates the environment; throws ConfigError listing every bad key. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  let env: Env;
  try {
    env = envSchema.validateSync(source, { abortEarly: false, stripUnknown: true });
  } catch (e: unknown) {
    if (e instanceof yup.ValidationError) throw new ConfigError(e.errors);
    throw e;
  }
  const { pairs, problems } = parseTestNumbers(env.OTP_TEST_NUMBERS);
  const isProduction = env.NODE_ENV === 'production';
  if (isProduction && pairs.length > 0 && !env.OTP_TEST_NUMBERS_IN_PRODUCTION) {
    problems.push(
      'OTP_TEST_NUMBERS is refused in production unless OTP_TEST_NUMBERS_IN_PRODUCTION=true',
    );
  }
  const secretProblem = isProduction ? productionSecretProblem(env.JWT_SECRET ?? '') : null;
  if (secretProblem) problems.push(secretProblem);
  if (isProduction && env.SMS_PROVIDER === 'log') {
    problems.push('SMS_PROVIDER=log prints messages and is refused in production; use http');
  }
  if (env.SMS_PROVIDER === 'http' && env.SMS_HTTP_URL_TEMPLATE === '') {
    problems.push('SMS_HTTP_URL_TEMPLATE is required when SMS_PROVIDER=http');
  }
  try {
    new RegExp(env.SMS_HTTP_FAILURE_PATTERN);
  } catch {
    problems.push('SMS_HTTP_FAILURE_PATTERN is not a valid regular expression');
  }
  const clusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES, source.REDIS_URL, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    env: env.NODE_ENV,
    isProduction,
    http: {
      port: env.PORT,
      host: env.HOST,
      bodyLimitKb: env.BODY_LIMIT_KB,
      corsOrigins: commaList(env.CORS_ORIGINS),
      trustProxy: env.TRUST_PROXY,
    },
    rateLimit: {
      userWritesPerMinute: env.RATE_LIMIT_USER_WRITES_PER_MINUTE,
      ipWritesPerMinute: env.RATE_LIMIT_IP_WRITES_PER_MINUTE,
    },
    metrics: { workerPort: env.WORKER_METRICS_PORT, token: env.METRICS_TOKEN },
    console: { tileUrl: env.CONSOLE_TILE_URL, realtimeUrl: env.CONSOLE_REALTIME_URL },
    shutdownDrainSeconds: env.SHUTDOWN_DRAIN_SECONDS ?? 0,
    realtime: {
      port: env.REALTIME_PORT,
      workerConcurrency: env.REALTIME_WORKER_CONCURRENCY,
      jobTimeoutMs: env.REALTIME_JOB_TIMEOUT_MS,
      locationThrottleMs: env.REALTIME_LOCATION_THROTTLE_MS,
      sessionCheckSeconds: env.REALTIME_SESSION_CHECK_SECONDS,
    },
    databaseUrl: env.DATABASE_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    redis: {
      url: env.REDIS_URL,
      clusterNodes,
      prefix: env.REDIS_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    },
    jwt: {
      secret: env.JWT_SECRET ?? '',
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    },
    otp: {
      ttlSeconds: env.OTP_TTL_SECONDS,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      maxRequestsPerPhoneHour: env.OTP_MAX_REQUESTS_PER_PHONE_HOUR,
      maxRequestsPerIpHour: env.OTP_MAX_REQUESTS_PER_IP_HOUR,
      phoneCeilingPerHour: env.OTP_PHONE_CEILING_PER_HOUR,
      testNumbers: pairs,
    },
    defaultCountry: env.DEFAULT_COUNTRY,
    defaultLocale: env.DEFAULT_LOCALE,
    timeZone: env.TIME_ZONE,
    sms: {
      provider: env.SMS_PROVIDER,
      httpUrlTemplate: env.SMS_HTTP_URL_TEMPLATE,
      httpMethod: env.SMS_HTTP_METHOD,
      httpTimeoutMs: env.SMS_HTTP_TIMEOUT_MS,
      httpFailurePattern: env.SMS_HTTP_FAILURE_PATTERN,
    },
    orders: {
      bookingWindowDays: env.BOOKING_WINDOW_DAYS,
      geofenceArrivalMeters: env.GEOFENCE_ARRIVAL_METERS,
      noShowWaitSeconds: env.NO_SHOW_WAIT_SECONDS,
    },
    dispatch: {
      review: env.DISPATCH_REVIEW,
      offerTimeoutSeconds: env.DISPATCH_OFFER_TIMEOUT_SECONDS,
      giveUpSeconds: env.DISPATCH_GIVE_UP_SECONDS,
      leadMinutes: env.DISPATCH_LEAD_MINUTES,
      maxPickupKm: env.DISPATCH_MAX_PICKUP_KM,
      positionFreshSeconds: env.POSITION_FRESH_SECONDS,
      fairnessMaxExtraKm: env.DISPATCH_FAIRNESS_MAX_EXTRA_KM,
      accessibleReserveKm: env.DISPATCH_ACCESSIBLE_RESERVE_KM,
      regionMode: env.DISPATCH_REGION_MODE,
      policy: env.DISPATCH_POLICY,
      batchWindowMs: env.DISPATCH_BATCH_WINDOW_MS,
      batchCandidates: env.DISPATCH_BATCH_CANDIDATES,
      cost: {
        otherRegionM: env.DISPATCH_COST_OTHER_REGION_M,
        fairnessPerTripM: env.DISPATCH_COST_FAIRNESS_M_PER_TRIP,
        accessibleReserveM: env.DISPATCH_COST_ACCESSIBLE_RESERVE_M,
        urgencyPerMinuteM: env.DISPATCH_COST_URGENCY_M_PER_MINUTE,
        urgencyMaxM: env.DISPATCH_COST_URGENCY_MAX_M,
      },
      jobTimeoutMs: env.DISPATCH_JOB_TIMEOUT_MS,
      retryBackoffMs: env.DISPATCH_RETRY_BACKOFF_MS,
      workerConcurrency: env.DISPATCH_WORKER_CONCURRENCY,
      assignWaitMs: env.DISPATCH_ASSIGN_WAIT_MS,
      lockMs: env.DISPATCH_LOCK_MS,
    },
    maintenance: {
      intervalMinutes: env.MAINTENANCE_INTERVAL_MINUTES,
      outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
      smsRetentionDays: env.SMS_RETENTION_DAYS,
    },
    outbox: { maxAttempts: env.OUTBOX_MAX_ATTEMPTS },
    recovery: {
      sweepSeconds: env.RECOVERY_SWEEP_SECONDS,
      graceSeconds: env.RECOVERY_GRACE_SECONDS,
      epochCheckMs: env.RECOVERY_EPOCH_CHECK_MS,
    },
    logLevel: env.LOG_LEVEL,
  };
}
