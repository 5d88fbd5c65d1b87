/**
 * PostgreSQL's one announcement of driver changes (`driver_changes`, migration
 * notify-driver-changes) and the one listener per process that the driver view cache and the
 * driver supply share (lib/drivers/driver-changes.ts): each change is announced once, with the
 * kind each copy needs; a process keeping both copies holds one LISTEN connection; and after
 * that connection is lost, both copies are exact again.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { DriverChange } from '../../lib/drivers/driver-changes.js';
import { loadDriverView } from '../../lib/drivers/read-drivers.js';
import { flushDriverPositions } from '../../lib/drivers/position-writer.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { testEnv } from '../helpers/test-env.js';
import { searchBothWays } from '../helpers/supply-search.js';

/** This suite's processes, told apart in pg_stat_activity. */
const applicationName = 'driver-changes-test';

describe('driver change announcements (one channel, one listener per process)', function () {
  this.timeout(30_000);
  let deps: AppDeps;
  let heard: DriverChange[] = [];
  let wake: (() => void) | null = null;
  let markers = 0;
  let unfollow: () => void;

  before(() => {
    const url = new URL(testEnv.DATABASE_URL!);
    url.searchParams.set('application_name', applicationName);
    deps = createTestDeps({ DATABASE_URL: url.toString() });
    unfollow = deps.driverChanges.follow({
      listening: () => {
        heard.push({ kind: 'everything' });
        wake?.();
      },
      changed: (change) => {
        heard.push(change);
        wake?.();
      },
      lost: () => undefined,
    });
  });
  after(async () => {
    unfollow();
    await closeDeps(deps);
  });
  beforeEach(async () => {
    await resetState(deps);
    // The reset's TRUNCATE (or listening's start) is heard before anything newer.
    await heardUntil((changes) => changes.some((c) => c.kind === 'everything'));
  });

  async function heardUntil(done: (changes: DriverChange[]) => boolean): Promise<void> {
    while (!done(heard)) await new Promise<void>((resolve) => (wake = resolve));
    heard = [];
  }

  /**
   * What was announced for the changes made before this call: a barrier sent after them is
   * heard after all of them (commit order), so nothing older can still be on its way.
   */
  async function announcedSoFar(): Promise<DriverChange[]> {
    const token = `marker-${++markers}`;
    await deps.db.knex.raw(`SELECT pg_notify('driver_changes', ?)`, [`b:${token}`]);
    let before: DriverChange[] = [];
    await heardUntil((changes) => {
      const at = changes.findIndex((c) => c.kind === 'barrier' && c.token === token);
      before = changes.slice(0, at);
      return at >= 0;
    });
    return before;
  }

  /** The backends of this suite's processes that LISTEN, by what they listen to. */
  const listeners = async () =>
    (
      await deps.db.knex.raw<{ rows: { pid: number; query: string }[] }>(
        `SELECT pid, query FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = ? AND query LIKE 'LISTEN %'`,
        [applicationName],
      )
    ).rows;

  it('when drivers, logins, regions and orders change, then each change is announced once with its kind', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const passenger = await createPassenger(deps, 'atyrau');
    const { driver, user } = await placeDriver(deps, region.id, 0.5);
    await flushDriverPositions(deps);
    await announcedSoFar();
    const id = driver.id;
    const drivers = () => deps.db.knex('drivers').where({ id });

    await drivers().update({ status: 'paused' });
    expect(await announcedSoFar(), 'a candidate fact').to.deep.equal([
      { kind: 'driver', driverId: id },
    ]);
    await drivers().update({ rating: 4.2 });
    expect(await announcedSoFar(), 'another column of the view').to.deep.equal([
      { kind: 'driver-view', driverId: id },
    ]);
    await drivers().update({ rating: 4.1, capacity: 3 });
    expect(await announcedSoFar(), 'both at once: one announcement').to.deep.equal([
      { kind: 'driver', driverId: id },
    ]);
    await drivers().update({ current_lat: 47.2, heading: 90, updated_at: new Date() });
    expect(await announcedSoFar(), 'the position the writer flushes').to.deep.equal([]);
    await deps.db.knex('users').where({ id: user.id }).update({ email: 'd@example.kz' });
    expect(await announcedSoFar(), 'the driver’s login').to.deep.equal([
      { kind: 'driver-view', driverId: id },
    ]);
    await deps.db.knex('regions').where({ id: region.id }).update({ title: 'Atyrau' });
    expect(await announcedSoFar(), 'a region').to.deep.equal([
      { kind: 'region', regionId: region.id },
    ]);

    const orderId = await createOrderIn(deps, {
      id: passenger.passenger.id,
      user_id: passenger.user.id,
      region_id: region.id,
    });
    expect(await announcedSoFar(), 'an order without a driver').to.deep.equal([]);
    await deps.db
      .knex('orders')
      .where({ id: orderId })
      .update({ driver_id: id, assigned_at: new Date() });
    expect(await announcedSoFar(), 'an order’s trip').to.deep.equal([{ kind: 'order', orderId }]);
    await deps.db.knex('orders').where({ id: orderId }).update({ dropoff_title: 'Home' });
    expect(await announcedSoFar(), 'an order’s other column').to.deep.equal([]);

    await resetState(deps);
    expect(await announcedSoFar(), 'a TRUNCATE').to.deep.equal([{ kind: 'everything' }]);
  });

  it('when one process keeps both the views and the supply, then it holds one LISTEN connection, and after losing it both are exact again', async () => {
    await createRegion(deps, { id: 'atyrau' });
    const made = await createPassenger(deps, 'atyrau');
    const passenger = { id: made.passenger.id, user_id: made.user.id, region_id: 'atyrau' };
    const { driver: near } = await placeDriver(deps, 'atyrau', 0.5);
    const { driver: far } = await placeDriver(deps, 'atyrau', 1.5);
    const orderId = await createOrderIn(deps, passenger);
    let loads = 0;
    const view = () =>
      deps.driverViews.lookup(near.id, () => (loads++, loadDriverView(deps.db.knex, near.id)));

    /** The supply's search for the order (its barrier) next to the SQL search. */
    const bothWays = async () => {
      const { viaSupply, viaSql, supplyQueries } = await searchBothWays(deps, orderId);
      expect(supplyQueries, 'candidate queries of the supply search').to.equal(0);
      return { viaSupply: viaSupply.candidates, viaSql: viaSql.candidates };
    };

    await deps.driverViews.ready();
    await announcedSoFar(); // the fixtures' own changes, which drop the view they cached
    await view();
    expect(await view()).to.include({ car_model: 'Hyundai Staria' });
    const loadsBefore = loads;
    expect(await view()).to.include({ car_model: 'Hyundai Staria' });
    expect(loads, 'a lookup of a held view reads nothing').to.equal(loadsBefore);
    const first = await bothWays();
    expect(first.viaSupply).to.deep.equal(first.viaSql);
    expect(first.viaSupply.map((c) => c.driver_id)).to.deep.equal([near.id, far.id]);

    const listening = await listeners();
    expect(listening.map((l) => l.query)).to.deep.equal(['LISTEN driver_changes']);
    const terminated = await deps.db.knex.raw<{ rows: { done: boolean }[] }>(
      // Waits until the backend is gone: nothing committed from now on reaches it.
      'SELECT pg_terminate_backend(?, 5000) AS done',
      [listening[0]!.pid],
    );
    expect(terminated.rows[0]?.done).to.equal(true);
    heard = [];
    await deps.db
      .knex('drivers')
      .where({ id: near.id })
      .update({ car_model: 'Ford Transit', status: 'paused' });

    // Listening again: told to every follower as "everything may be stale".
    await heardUntil((changes) => changes.some((c) => c.kind === 'everything'));
    expect((await listeners()).length, 'listening on one connection again').to.equal(1);
    expect(await view()).to.include({ car_model: 'Ford Transit', status: 'paused' });
    expect(loads, 'the view is read again').to.equal(loadsBefore + 1);
    const after = await bothWays();
    expect(after.viaSupply).to.deep.equal(after.viaSql);
    expect(after.viaSupply.map((c) => c.driver_id)).to.deep.equal([far.id]);
  });
});
