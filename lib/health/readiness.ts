/** Whether this process can serve: PostgreSQL and Redis answer, and it is not draining. */
import { pingDatabase } from '../../db/repositories/health.repository.js';
import type { AppDeps } from '../deps.js';
import { withTimeout } from '../process/with-timeout.js';

/** A dependency that has not answered a ping after this long counts as down. */
const pingTimeoutMs = 2000;

export interface ReadinessReport {
  ready: boolean;
  checks: { postgres: 'ok' | 'down'; redis: 'ok' | 'down'; draining: boolean };
}

export async function checkReadiness(
  deps: Pick<AppDeps, 'db' | 'redis'>,
  isDraining: boolean,
): Promise<ReadinessReport> {
  const [postgres, redis] = await Promise.all([
    withTimeout(pingTimeoutMs, 'PostgreSQL ping', () => pingDatabase(deps.db.knex)).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
    withTimeout(pingTimeoutMs, 'Redis ping', () => deps.redis.ping()).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
  ]);
  return {
    ready: postgres === 'ok' && redis === 'ok' && !isDraining,
    checks: { postgres, redis, draining: isDraining },
  };
}
