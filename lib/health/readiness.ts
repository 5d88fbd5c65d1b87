/** Whether this process can serve: PostgreSQL and Redis answer, and it is not draining. */
import { pingDatabase } from '../../db/repositories/health.repository.js';
import type { AppDeps } from '../deps.js';

export interface ReadinessReport {
  ready: boolean;
  checks: { postgres: 'ok' | 'down'; redis: 'ok' | 'down'; draining: boolean };
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(
  deps: Pick<AppDeps, 'db' | 'redis'>,
  isDraining: boolean,
): Promise<ReadinessReport> {
  const [postgres, redis] = await Promise.all([
    within(pingDatabase(deps.db.knex), 2000).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
    within(deps.redis.ping(), 2000).then(
      () => 'ok' as const,
      () => 'down' as const,
    ),
  ]);
  return {
    ready: postgres === 'ok' && redis === 'ok' && !isDraining,
    checks: { postgres, redis, draining: isDraining },
  };
}
