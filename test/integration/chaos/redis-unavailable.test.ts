/**
 * Chaos: Redis is away while PostgreSQL is fine. Requests that need Redis answer 503 in the
 * contract's error shape within the documented budget (REDIS_COMMAND_TIMEOUT_MS, 1 s by
 * default, plus the request's own work), never a 500 and never a hang; /readyz says why;
 * once Redis is back, the same request succeeds without a restart.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../../lib/deps.js';
import { createDriver, createRegion, tokenFor } from '../../helpers/factories.js';
import { pollUntil } from '../../helpers/poll-until.js';
import { privateRedis, type PrivateRedis } from '../../helpers/private-redis.js';
import { closeTestApp, openTestApp, type TestApp } from '../../helpers/test-app.js';
import { resetState } from '../../helpers/test-deps.js';

const port = Number(process.env.CHAOS_REDIS_PORT_UNAVAILABLE ?? 7412);
/** REDIS_COMMAND_TIMEOUT_MS (1 s) plus slack for the request's own work on a busy host. */
const budgetMs = 2500;

describe('chaos: Redis unavailable', function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    redis = privateRedis(port);
    await redis.start();
    ({ deps, app } = await openTestApp({ REDIS_URL: redis.url }));
    await resetState(deps);
  });
  after(async () => {
    await closeTestApp(deps, app);
    await redis.stop();
  });

  it('when Redis is down, then a driver location answers 503 quickly, /readyz says redis is down, and all is well once it is back', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { user, driver } = await createDriver(deps, region.id);
    const token = await tokenFor(deps, user);
    const report = () =>
      app.request('PATCH', `/api/drivers/${driver.id}/location/`, {
        token,
        body: { lat: 47.11, lon: 51.92 },
      });
    expect((await report()).status).to.equal(200);

    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await report();
      const tookMs = Date.now() - started;
      expect(res.status, JSON.stringify(res.body)).to.equal(503);
      expect(res.body).to.include({ code: 'service_unavailable' });
      expect(res.body.error).to.be.a('string');
      expect(tookMs, 'answered within the budget').to.be.below(budgetMs);
    }
    const started = Date.now();
    const ready = await app.request('GET', '/readyz');
    expect(Date.now() - started).to.be.below(budgetMs);
    expect(ready.status).to.equal(503);
    expect(ready.body.checks).to.include({ postgres: 'ok', redis: 'down' });

    await redis.start();
    const back = Date.now();
    await pollUntil(async () => (await report()).status === 200, 10_000);
    const reconnectedMs = Date.now() - back;
    expect(reconnectedMs, 'back within a couple of seconds').to.be.below(3000);
    expect((await app.request('GET', '/readyz')).status).to.equal(200);
    console.log(`      redis back: requests succeed again after ${reconnectedMs} ms`);
  });
});
