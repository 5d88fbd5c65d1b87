/**
 * Chaos: the session cache's revocation channel goes away. While its Pub/Sub connection is
 * down the cache must not answer (every check reads the source again), and once it is
 * subscribed again it is used again — an announcement missed meanwhile cannot leave a revoked
 * session trusted. Its own redis-server on a spare port (SESSION_CACHE_REDIS_PORT).
 */
import { expect } from 'chai';
import type { UserActor } from '../../../lib/auth/actor.js';
import { createSessionCache, type SessionCache } from '../../../lib/auth/session-cache.js';
import { createLogger } from '../../../lib/logger/logger.js';
import { announceSessionsRevoked } from '../../../lib/realtime/session-revocations.js';
import { createRedis, type Redis } from '../../../lib/redis/redis.js';
import { pollUntil } from '../../helpers/poll-until.js';
import { privateRedis, type PrivateRedis } from '../../helpers/private-redis.js';

const port = Number(
  process.env.SESSION_CACHE_REDIS_PORT ?? Number(process.env.HELPER_SPARE_PORT_BASE ?? 7545) + 1,
);

describe('chaos: the session cache without its revocation channel', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let client: Redis;
  let cache: SessionCache;
  const actor: UserActor = {
    kind: 'user',
    userId: 7,
    role: 'dispatcher',
    sessionId: '00000000-0000-0000-0000-000000000007',
    passengerId: null,
    driverId: null,
  };
  let loads = 0;
  let valid = true;
  const load = () => {
    loads++;
    return Promise.resolve(valid ? actor : undefined);
  };
  const check = () => cache.lookup(actor.sessionId, actor.userId, load);

  before(async () => {
    redis = privateRedis(port);
    await redis.start();
    client = createRedis({ url: redis.url, prefix: 'cache-chaos', commandTimeoutMs: 1000 });
    cache = createSessionCache({
      redis: { url: redis.url, prefix: 'cache-chaos', commandTimeoutMs: 1000 },
      logger: createLogger({ level: 'silent', name: 'test' }),
      ttlMs: 60_000,
    });
    await cache.ready();
  });
  after(async () => {
    cache.close();
    client.disconnect();
    await redis.stop();
  });

  it('when subscribed, then a checked session is answered from the cache and an announcement empties it', async () => {
    await check();
    const before = loads;
    expect(await check()).to.deep.equal(actor);
    expect(loads, 'answered from the cache').to.equal(before);
    const revoked = new Promise<void>((resolve) => cache.onRevocation(resolve));
    valid = false;
    await announceSessionsRevoked(client, 'cache-chaos');
    await revoked;
    expect(await check()).to.equal(undefined);
    valid = true;
  });

  it('when the channel is down, then every check reads the source; once back, the cache is used again', async () => {
    await check();
    await check();
    await redis.kill();
    // The subscriber notices the lost connection (its 'close' event) before we go on.
    await pollUntil(async () => {
      const before = loads;
      await check();
      return loads > before;
    }, 10_000);
    const before = loads;
    valid = false; // revoked while nobody could announce it
    expect(await check(), 'not served from the cache').to.equal(undefined);
    expect(loads).to.equal(before + 1);
    valid = true;
    await redis.start();
    await cache.ready();
    await check();
    const after = loads;
    await check();
    expect(loads, 'cached again once subscribed').to.equal(after);
  });
});
