/**
 * Every setting, declared once. The tree has the shape of `Config` (lib/config/config.ts):
 * its type, the validation schema, the env → Config mapping, `.env.example` and the README's
 * configuration table all come from here.
 *
 * To add a setting, add ONE entry where its `Config` property belongs (`Config.dispatch` is in
 * lib/config/dispatch-settings.ts), e.g. under `dispatch`:
 *   maxWaitSeconds: dispatch('DISPATCH_MAX_WAIT_SECONDS', int(1), 900, 'What it bounds, and why.'),
 * (options: `example`, `secret`, `requiredInProduction`, `productionDefault`, `toValue`), then
 * run `npm run config:docs` to regenerate `.env.example` and the README table;
 * test/unit/config-docs.test.ts fails until they match. Nothing else changes.
 */
import * as yup from 'yup';
import { bool, choice, commaList, inSection, int, parseHostPorts, port } from './setting.js';
import { dispatchSettings } from './dispatch-settings.js';
import { parseTestNumbers } from './test-numbers.js';

const processSetting = inSection('Process');
const storage = inSection('Storage');
const auth = inSection('Auth');
const sms = inSection('SMS');
const orders = inSection('Orders');
const realtime = inSection('Realtime');
const edge = inSection('HTTP edge and security');
const operations = inSection('Operations');
const consoleSetting = inSection('Dispatcher console');

/** The demo accounts' codes (db/seeds/atyrau-demo.ts): what .env.example signs in with. */
const demoTestNumbers =
  '+77777777777:111111,+79001001010:222222,+77000000001:333333,+77000000000:444444';

export const settings = {
  env: processSetting(
    'NODE_ENV',
    choice('development', 'test', 'production'),
    'development',
    'development | test | production (production refuses unsafe settings, enables HSTS, Secure cookies).',
  ),
  http: {
    port: processSetting('PORT', port(), 3000, 'Web API port; 0 picks a free port.'),
    host: processSetting(
      'HOST',
      yup.string(),
      '0.0.0.0',
      'Address the web and realtime listen on.',
    ),
    bodyLimitKb: edge(
      'BODY_LIMIT_KB',
      int(1),
      64,
      'Largest JSON body accepted, in KB (413 above).',
    ),
    corsOrigins: edge(
      'CORS_ORIGINS',
      yup.string(),
      '',
      'Browser origins allowed by CORS, comma-separated (e.g. https://console.example.kz); empty: none.',
      { toValue: commaList },
    ),
    trustProxy: edge(
      'TRUST_PROXY',
      bool(),
      false,
      'true only behind a reverse proxy that sets X-Forwarded-For/-Proto (client IPs for rate limits).',
    ),
  },
  rateLimit: {
    userWritesPerMinute: edge(
      'RATE_LIMIT_USER_WRITES_PER_MINUTE',
      int(0),
      120,
      'Writes (POST/PUT/PATCH/DELETE under /api/) per minute per signed-in user; 0 turns it off. Past it: 429 with retry_after_seconds.',
    ),
    ipWritesPerMinute: edge(
      'RATE_LIMIT_IP_WRITES_PER_MINUTE',
      int(0),
      60,
      'Anonymous writes per minute per client IP; 0 turns it off.',
    ),
  },
  metrics: {
    workerPort: operations(
      'WORKER_METRICS_PORT',
      port(),
      9101,
      "The worker's HTTP port for /metrics and /healthz (web and realtime use PORT / REALTIME_PORT).",
    ),
    token: operations(
      'METRICS_TOKEN',
      yup.string(),
      '',
      'When set, /metrics wants `Authorization: Bearer <METRICS_TOKEN>`; keep /metrics off the internet anyway.',
      { secret: true },
    ),
  },
  console: {
    tileUrl: consoleSetting(
      'CONSOLE_TILE_URL',
      yup.string(),
      '',
      'Map tiles of the console at /console/, e.g. https://tile.example.kz/{z}/{x}/{y}.png; empty: no tiles (regions, drivers and orders still drawn).',
    ),
    realtimeUrl: consoleSetting(
      'CONSOLE_REALTIME_URL',
      yup.string(),
      '',
      "Where the console's browser reaches realtime (e.g. https://rt.example.kz); empty: the page's host on REALTIME_PORT.",
    ),
  },
  shutdownDrainSeconds: operations(
    'SHUTDOWN_DRAIN_SECONDS',
    int(0),
    0,
    'On SIGTERM the web answers /readyz 503 this long before it stops accepting, so the load balancer takes it out of rotation first.',
    { productionDefault: 5 },
  ),
  realtime: {
    port: processSetting(
      'REALTIME_PORT',
      port(),
      3001,
      'Realtime (Socket.IO and plain WebSocket) port; 0 picks a free port.',
    ),
    workerConcurrency: realtime(
      'REALTIME_WORKER_CONCURRENCY',
      int(1),
      16,
      'Realtime delivery jobs (direct deliveries the outbox relay handed to the queue after a failure) run at once per worker process.',
    ),
    jobTimeoutMs: realtime(
      'REALTIME_JOB_TIMEOUT_MS',
      int(100),
      10000,
      'A realtime delivery job running longer than this many ms is failed.',
    ),
    locationThrottleMs: realtime(
      'REALTIME_LOCATION_THROTTLE_MS',
      int(0),
      1000,
      'At most one driver_location event per driver per this many milliseconds.',
    ),
    sessionCheckSeconds: realtime(
      'REALTIME_SESSION_CHECK_SECONDS',
      int(0),
      30,
      'How often connected sockets are re-checked against their session (0 turns it off).',
    ),
  },
  databaseUrl: storage(
    'DATABASE_URL',
    yup.string(),
    'postgres://postgres@127.0.0.1:5432/invo',
    'PostgreSQL connection URL.',
    { secret: true },
  ),
  databasePoolMax: storage('DATABASE_POOL_MAX', int(1), 10, 'PostgreSQL connections per process.'),
  redis: {
    url: storage(
      'REDIS_URL',
      yup.string(),
      'redis://127.0.0.1:6379',
      'Redis connection URL; Redis must run with maxmemory-policy noeviction (BullMQ).',
      { secret: true },
    ),
    clusterNodes: storage(
      'REDIS_CLUSTER_NODES',
      yup.string(),
      '',
      'A Redis Cluster instead of one Redis: host:port,… of some masters (the rest are discovered). Set this or REDIS_URL, not both (docs/operations.md, "Outgrowing one Redis").',
      { toValue: parseHostPorts('REDIS_CLUSTER_NODES') },
    ),
    prefix: storage(
      'REDIS_PREFIX',
      yup.string(),
      'invo',
      'Prefix of every Redis key and BullMQ queue, so deployments can share one Redis.',
    ),
    commandTimeoutMs: storage(
      'REDIS_COMMAND_TIMEOUT_MS',
      int(50),
      1000,
      'A Redis command unanswered after this many ms fails: the API answers 503 at once instead of hanging.',
    ),
  },
  jwt: {
    secret: auth(
      'JWT_SECRET',
      yup.string(),
      'development-only-secret-change-me-0123456789',
      'Required in production: 32+ random characters (e.g. `openssl rand -base64 48`); production refuses every value published in this repository.',
      { secret: true, requiredInProduction: true },
    ),
    accessTtlSeconds: auth(
      'JWT_ACCESS_TTL_SECONDS',
      int(60),
      24 * 3600,
      'Lifetime of an access token.',
    ),
    refreshTtlSeconds: auth(
      'JWT_REFRESH_TTL_SECONDS',
      int(60),
      7 * 24 * 3600,
      'Lifetime of a refresh token.',
    ),
    sessionCacheSeconds: auth(
      'SESSION_CACHE_SECONDS',
      int(0, 3600),
      60,
      'How long a web process trusts a session it has checked, kept exact by revocation announcements (docs/auth.md); 0 checks PostgreSQL on every request.',
    ),
    refreshReuseGraceSeconds: auth(
      'REFRESH_REUSE_GRACE_SECONDS',
      int(0),
      25 * 3600,
      '`/api/mobile/auth/refresh-token/` only (the original apps keep only `access`): a spent refresh token presented again within this window of its last use, with no later token of its session used, rotates again instead of revoking the session. 0 turns it off.',
    ),
  },
  otp: {
    ttlSeconds: auth('OTP_TTL_SECONDS', int(30), 300, 'How long a sign-in code is valid.'),
    maxAttempts: auth(
      'OTP_MAX_ATTEMPTS',
      int(1),
      5,
      'Wrong tries after which a sign-in code is dead.',
    ),
    maxRequestsPerPhoneHour: auth(
      'OTP_MAX_REQUESTS_PER_PHONE_HOUR',
      int(1),
      5,
      'Code requests per hour per phone from one client address (docs/security.md).',
    ),
    maxRequestsPerIpHour: auth(
      'OTP_MAX_REQUESTS_PER_IP_HOUR',
      int(1),
      50,
      'Code requests per hour per client address.',
    ),
    phoneCeilingPerHour: auth(
      'OTP_PHONE_CEILING_PER_HOUR',
      int(1),
      30,
      'Code requests per hour per phone from all clients together (a high ceiling that bounds the SMS one phone is sent).',
    ),
    testNumbers: auth(
      'OTP_TEST_NUMBERS',
      yup.string(),
      '',
      'phone:code pairs that sign in with a fixed code and send no SMS (demos, store review, tests). Refused in production unless OTP_TEST_NUMBERS_IN_PRODUCTION=true.',
      { example: demoTestNumbers, toValue: parseTestNumbers },
    ),
    testNumbersInProduction: auth(
      'OTP_TEST_NUMBERS_IN_PRODUCTION',
      bool(),
      false,
      'true lets OTP_TEST_NUMBERS work in production (e.g. for store review).',
    ),
  },
  defaultCountry: auth(
    'DEFAULT_COUNTRY',
    yup.string().length(2),
    'KZ',
    'Country for numbers typed without a country code (ISO 3166 alpha-2).',
  ),
  defaultLocale: auth(
    'DEFAULT_LOCALE',
    choice('ru', 'en'),
    'ru',
    'Language of error messages when the request has no Accept-Language: ru | en.',
  ),
  timeZone: auth(
    'TIME_ZONE',
    yup.string(),
    'Asia/Atyrau',
    "The service's local day (trips-today fairness, reports), and the zone of times sent without one (`desired_pickup_time` from Dart's `toIso8601String()`).",
  ),
  sms: {
    provider: sms(
      'SMS_PROVIDER',
      choice('log', 'http'),
      'log',
      'log (development: logs a masked phone, never the text; refused in production) | http.',
    ),
    httpUrlTemplate: sms(
      'SMS_HTTP_URL_TEMPLATE',
      yup.string(),
      '',
      'For http (required then): the gateway URL with credentials and {phone}, {phone_digits}, {text} placeholders.',
      { secret: true },
    ),
    httpMethod: sms('SMS_HTTP_METHOD', choice('GET', 'POST'), 'GET', 'GET | POST.'),
    httpTimeoutMs: sms(
      'SMS_HTTP_TIMEOUT_MS',
      int(100),
      5000,
      'A gateway call unanswered after this many ms fails.',
    ),
    httpFailurePattern: sms(
      'SMS_HTTP_FAILURE_PATTERN',
      yup.string(),
      '',
      'A 2xx answer whose body matches this regular expression counts as a failed send (e.g. SMSC.kz); empty: any 2xx is a success.',
    ),
  },
  orders: {
    bookingWindowDays: orders(
      'BOOKING_WINDOW_DAYS',
      int(1),
      30,
      'How far ahead a ride can be booked.',
    ),
    geofenceArrivalMeters: orders(
      'GEOFENCE_ARRIVAL_METERS',
      yup.number().min(1),
      80,
      'A driver this close to the pickup counts as arrived.',
    ),
    noShowWaitSeconds: orders(
      'NO_SHOW_WAIT_SECONDS',
      int(0),
      300,
      'A no-show can be recorded only this long after the driver arrived at the pickup.',
    ),
  },
  dispatch: dispatchSettings,
  maintenance: {
    intervalMinutes: operations(
      'MAINTENANCE_INTERVAL_MINUTES',
      int(1),
      60,
      'How often the worker prunes old rows (one run per period across all workers).',
    ),
    outboxRetentionHours: operations(
      'OUTBOX_RETENTION_HOURS',
      int(1),
      72,
      'Published outbox rows are kept this long (for tracing a job back), then deleted.',
    ),
    smsRetentionDays: operations(
      'SMS_RETENTION_DAYS',
      int(1),
      30,
      'Sent or given-up SMS rows (masked phone, status; no text) are kept this long.',
    ),
  },
  outbox: {
    maxAttempts: operations(
      'OUTBOX_MAX_ATTEMPTS',
      int(1),
      5,
      'An outbox row the relay failed to publish this many times while Redis answered is dead-lettered (replayable).',
    ),
  },
  recovery: {
    sweepSeconds: operations(
      'RECOVERY_SWEEP_SECONDS',
      int(1),
      60,
      'How often a worker reconciles owed work from PostgreSQL (one sweep at a time overall; at once too after a Redis wipe).',
    ),
    graceSeconds: operations(
      'RECOVERY_GRACE_SECONDS',
      int(1),
      5,
      'Owed work older than this with no live job is re-owed (leaves the relay time to publish).',
    ),
    epochCheckMs: operations(
      'RECOVERY_EPOCH_CHECK_MS',
      int(100),
      1000,
      "How often each worker checks Redis' epoch key (ms) to notice a wipe or restart.",
    ),
  },
  logLevel: processSetting(
    'LOG_LEVEL',
    choice('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
    'info',
    'fatal | error | warn | info | debug | trace | silent. Logs are JSON lines (pino) on stdout.',
  ),
};
