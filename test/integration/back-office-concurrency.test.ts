/**
 * Issue 9, item 6: concurrent DELETE / reactivate / PATCH of the same driver or passenger
 * used to deadlock (~40 % of requests 500 "deadlock detected"). Every write now takes the
 * profile's lock first, and a serialization failure that remains is retried.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
  uniquePhone,
} from '../helpers/factories.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

describe('Back-office writes under concurrency (issue 9)', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  before(
    async () =>
      ({ deps, app } = await openTestApp({
        RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
        DATABASE_POOL_MAX: '20',
      })),
  );
  beforeEach(async () => {
    await resetState(deps);
    admin = await tokenFor(deps, await createUser(deps, 'admin'));
  });
  after(() => closeTestApp(deps, app));

  const hammer = async (base: string, nameField: string): Promise<number[]> => {
    const writes: (() => Promise<{ status: number }>)[] = [];
    for (let round = 0; round < 10; round += 1) {
      writes.push(
        () => app.request('DELETE', base, { token: admin }),
        () => app.request('PATCH', base, { token: admin, body: { is_active: true } }),
        () =>
          app.request('PATCH', base, {
            token: admin,
            body: { phone: uniquePhone(), email: `a${round}@example.kz` },
          }),
        () =>
          app.request('PATCH', base, {
            token: admin,
            body: { [nameField]: `Name ${round}`, is_active: true },
          }),
      );
    }
    const results = await Promise.all(writes.map((write) => write()));
    return results.map((r) => r.status);
  };

  it('when the same driver is deactivated, reactivated and edited at once, then no request fails with 5xx', async () => {
    const region = await createRegion(deps);
    const { driver } = await createDriver(deps, region.id, { is_online: false });
    const statuses = await hammer(`/api/drivers/${driver.id}/`, 'name');
    expect(statuses.filter((s) => s >= 500)).to.deep.equal([]);
    expect(
      statuses.every((s) => [200, 204, 409].includes(s)),
      statuses.join(','),
    ).to.equal(true);
  });

  it('when the same passenger is deactivated, reactivated and edited at once, then no request fails with 5xx', async () => {
    const region = await createRegion(deps);
    const { passenger } = await createPassenger(deps, region.id);
    const statuses = await hammer(`/api/passengers/${passenger.id}/`, 'full_name');
    expect(statuses.filter((s) => s >= 500)).to.deep.equal([]);
    expect(
      statuses.every((s) => [200, 204, 409].includes(s)),
      statuses.join(','),
    ).to.equal(true);
  });

  it('when a transaction is chosen as a deadlock victim, then it is run again and commits once', async () => {
    let attempts = 0;
    const region = await createRegion(deps);
    await deps.db.transaction(async (trx) => {
      attempts += 1;
      await trx('regions')
        .where({ id: region.id })
        .update({ title: `attempt ${attempts}` });
      if (attempts === 1) {
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }
    });
    expect(attempts).to.equal(2);
    const row = (await deps.db.knex('regions').where({ id: region.id }).first()) as {
      title: string;
    };
    expect(row.title).to.equal('attempt 2');
  });
});
