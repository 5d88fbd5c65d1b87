/**
 * The dependencies every entry point builds once and passes down as a plain object
 * (no DI framework): database, Redis, queues, logger, config, clock, and the few services
 * built from them (position index, session cache, OTP limits, SMS gateway).
 */
import { createDatabase, type Database } from '../db/database.js';
import { createOtpServices, type OtpServices } from './auth/otp-services.js';
import { createSessionCache, type SessionCache } from './auth/session-cache.js';
import type { Clock } from './clock/clock.js';
import { createDriverChanges, type DriverChanges } from './drivers/driver-changes.js';
import { createDriverViewCache, type DriverViewCache } from './drivers/driver-view-cache.js';
import { systemClock } from './clock/clock.js';
import type { Config } from './config/config.js';
import {
  createRedisDriverPositionIndex,
  type DriverPositionIndex,
} from './geo/driver-position-index.js';
import { createDriverSupply, type DriverSupply } from './dispatch/supply-follower.js';
import { tripsTodayRule } from './drivers/trips-today.js';
import type { Logger } from './logger/logger.js';
import { closeQueues, createQueues, type Queues } from './queue/queues.js';
import { createRedis, type Redis } from './redis/redis.js';
import { createSmsProvider } from './sms/create-sms-provider.js';
import type { SmsProvider } from './sms/sms-provider.js';

export interface AppDeps {
  config: Config;
  db: Database;
  redis: Redis;
  queues: Queues;
  logger: Logger;
  clock: Clock;
  positionIndex: DriverPositionIndex;
  /** Valid sessions this process has checked, kept exact by revocation announcements. */
  sessionCache: SessionCache;
  /** The login codes' limits (shared through Redis) and the test phones. */
  otp: OtpServices;
  /** The SMS gateway chosen by SMS_PROVIDER (stateless; tests put a fake one here). */
  smsProvider: SmsProvider;
  /**
   * PostgreSQL's driver change announcements: the process's one LISTEN connection, opened
   * when the driver supply or the driver view cache first needs it.
   */
  driverChanges: DriverChanges;
  /** Drivers' candidate facts held in memory for match jobs, kept exact by announcements. */
  driverSupply: DriverSupply;
  /** Drivers' views this process has read, kept exact by PostgreSQL's change announcements. */
  driverViews: DriverViewCache;
}

export function createDeps(config: Config, logger: Logger, clock: Clock = systemClock): AppDeps {
  const redis = createRedis(config.redis);
  const db = createDatabase(config.databaseUrl, config.databasePoolMax);
  const driverChanges = createDriverChanges({ databaseUrl: config.databaseUrl, logger });
  return {
    config,
    db,
    redis,
    queues: createQueues(config.redis),
    logger,
    clock,
    positionIndex: createRedisDriverPositionIndex(redis, config.redis.prefix, {
      clock,
      // Long enough that a driver in a tunnel keeps their place; stale ones never match anyway.
      pruneAfterMs: config.dispatch.positionFreshSeconds * 5 * 1000,
    }),
    // Subscribes lazily, on the first check: processes that never authenticate open nothing.
    sessionCache: createSessionCache({
      redis: config.redis,
      logger,
      ttlMs: config.jwt.sessionCacheSeconds * 1000,
    }),
    otp: createOtpServices(redis, config),
    smsProvider: createSmsProvider(config, logger),
    driverChanges,
    // Follows lazily, on the first match job's order load.
    driverSupply: createDriverSupply({
      changes: driverChanges,
      db: () => db.knex,
      rule: tripsTodayRule(config),
      clock,
      logger,
    }),
    // Follows lazily too, on the first lookup (the position report path).
    driverViews: createDriverViewCache({ changes: driverChanges, ttlMs: 60_000 }),
  };
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await closeQueues(deps.queues);
  await deps.positionIndex.close();
  deps.sessionCache.close();
  deps.driverSupply.close();
  deps.driverViews.close();
  await deps.driverChanges.close();
  deps.redis.disconnect();
  await deps.db.close();
}
