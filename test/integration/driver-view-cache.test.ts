/**
 * The position report's answer comes from this process's cache of drivers' views: no
 * PostgreSQL read once the view is held, and still right after every change to what the view
 * shows, whichever connection (another process) made it — the trigger's announcement drops
 * the entry. Changes are made through a second set of dependencies (its own pool), as another
 * web process or a worker would.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { DriverView } from '../../lib/drivers/driver-view.js';
import { flushDriverPositions } from '../../lib/drivers/position-writer.js';
import { setDriverStatus } from '../../db/repositories/driver-status.repository.js';
import { createDriver, createRegion, tokenFor } from '../helpers/factories.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

describe('the driver view cache behind position reports', function () {
  this.timeout(30_000);
  let deps: AppDeps;
  let other: AppDeps;
  let app: TestApp;
  let driver: { id: number; userId: number; token: string };
  let regionId: string;
  /** Announcements this process's cache received, in order (null: every driver). */
  let heard: (number | null)[] = [];
  let wake: (() => void) | null = null;

  before(async () => {
    ({ deps, app } = await openTestApp());
    other = createTestDeps();
    deps.driverViews.onChange((id) => {
      heard.push(id);
      wake?.();
    });
  });
  after(async () => {
    await closeTestApp(deps, app);
    await closeDeps(other);
  });
  beforeEach(async () => {
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau', title: 'Атырау' })).id;
    const { user, driver: row } = await createDriver(deps, regionId, { name: 'Aigerim' });
    driver = { id: row.id, userId: user.id, token: await tokenFor(deps, user) };
    await deps.driverViews.ready();
    // The reset's own announcement (or, the first time, listening's start) is heard first:
    // PostgreSQL delivers in commit order, so nothing older can arrive after it.
    await heardAll((ids) => ids.includes(null));
    heard = [];
  });

  /** Waits until what has been heard meets `done`. */
  async function heardAll(done: (ids: (number | null)[]) => boolean): Promise<void> {
    while (!done(heard)) await new Promise<void>((resolve) => (wake = resolve));
  }

  /** Resolves once an announcement for `driverId` (or for every driver) has been received. */
  async function announced(driverId: number): Promise<void> {
    await heardAll((ids) => ids.some((id) => id === driverId || id === null));
    heard = [];
  }

  const report = async (point = { lat: 47.11, lon: 51.92 }) => {
    const res = await app.request<DriverView>('PATCH', `/api/drivers/${driver.id}/location/`, {
      token: driver.token,
      body: point,
    });
    expect(res.status).to.equal(200);
    return res.body;
  };

  /** The SELECTs on drivers this process sends while `work` runs. */
  async function driverReadsDuring(work: () => Promise<unknown>): Promise<number> {
    let reads = 0;
    const listener = (query: { sql: string }) => {
      if (/^\s*select\b[\s\S]*\bfrom\s+"drivers"/i.test(query.sql)) reads++;
    };
    deps.db.knex.on('query', listener);
    try {
      await work();
    } finally {
      deps.db.knex.removeListener('query', listener);
    }
    return reads;
  }

  it('when a driver reports again, then the answer reads no PostgreSQL and still carries the new point', async () => {
    expect(await driverReadsDuring(() => report())).to.equal(1);
    let second: DriverView | undefined;
    const reads = await driverReadsDuring(async () => {
      second = await report({ lat: 47.12, lon: 51.93 });
    });
    expect(reads).to.equal(0);
    expect(second).to.include({ id: driver.id, name: 'Aigerim', status: 'online_idle' });
    expect(second?.current_position).to.deep.equal({ lat: 47.12, lon: 51.93 });
  });

  it('when another process changes the driver’s status, then the next answer shows it', async () => {
    expect(await report()).to.include({ status: 'online_idle', is_online: true });
    // An order transition's write, committed on another connection.
    await setDriverStatus(other.db.knex, driver.id, 'enroute_to_pickup');
    await announced(driver.id);
    expect(await report()).to.include({ status: 'enroute_to_pickup', is_online: true });
    await other.db
      .knex('drivers')
      .where({ id: driver.id })
      .update({ is_online: false, status: 'offline', rating: 4.5 });
    await announced(driver.id);
    expect(await report()).to.include({ status: 'offline', is_online: false, rating: 4.5 });
  });

  it('when the driver’s login or region changes, then the next answer shows it', async () => {
    await report();
    await other.db.knex('users').where({ id: driver.userId }).update({ email: 'a@example.kz' });
    await announced(driver.id);
    expect((await report()).user).to.include({ email: 'a@example.kz' });
    await other.db.knex('regions').where({ id: regionId }).update({ title: 'Atyrau' });
    await announced(driver.id);
    expect((await report()).region).to.include({ title: 'Atyrau' });
  });

  it('when the tables are emptied and a new driver gets the same id, then the answer is the new driver’s', async () => {
    await report();
    await resetState(other);
    await announced(driver.id);
    const region = await createRegion(other, { id: 'atyrau' });
    const { user, driver: row } = await createDriver(other, region.id, { name: 'Bolat' });
    expect(row.id).to.equal(driver.id);
    driver = { id: row.id, userId: user.id, token: await tokenFor(other, user) };
    expect(await report()).to.include({ id: driver.id, name: 'Bolat' });
  });

  it('when the position writer flushes, then nothing is announced (the cache is kept)', async () => {
    const marker = (await createDriver(other, regionId)).driver.id;
    await report();
    expect(await flushDriverPositions(deps)).to.equal(1);
    // A later change to another driver is the marker: it must be the first thing heard.
    await other.db.knex('drivers').where({ id: marker }).update({ name: 'Marker' });
    // (The marker's own creation, online and flushed position went through the use cases and
    // may still be heard; the flushed driver must not be.) Announcements come in commit order,
    // so one from the flush would be heard before the rename.
    await heardAll((ids) => ids.includes(marker));
    expect(heard.filter((id) => id !== marker)).to.deep.equal([]);
    expect(await driverReadsDuring(() => report())).to.equal(0);
  });

  it('when the listening connection is lost, then a change made meanwhile is not missed', async () => {
    await report();
    heard = [];
    const terminated = await other.db.knex.raw<{ rows: { terminated: boolean }[] }>(
      `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN driver_changes'`,
    );
    // The fixtures' reports through `other` make its cache listen too: both lose the line.
    expect(terminated.rows).to.have.length.within(1, 2);
    expect(terminated.rows.every((r) => r.terminated)).to.equal(true);
    await other.db.knex('drivers').where({ id: driver.id }).update({ car_model: 'Ford Transit' });
    // Listening again (announced as "every driver"): whatever was missed is dropped.
    await heardAll((ids) => ids.includes(null));
    expect(await report()).to.include({ car_model: 'Ford Transit' });
  });
});
