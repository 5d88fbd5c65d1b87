/**
 * The Redis-first location path and its PostgreSQL writer: one UPDATE per batch, only newer
 * positions win, nothing lost with two writers taking at once or with a writer that dies
 * holding a batch, and the API views and the index equal PostgreSQL after a flush.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { flushDriverPositions, positionBatchSize } from '../../lib/drivers/position-writer.js';
import { updateDriverLocation } from '../../lib/drivers/update-driver-location.js';
import { createRedisDriverPositionIndex } from '../../lib/geo/driver-position-index.js';
import { createPositionReports } from '../../lib/geo/position-reports.js';
import { positionKeys } from '../../lib/geo/position-store.js';
import { writeDriverPositions } from '../../db/repositories/driver-position.repository.js';
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import { createDriver, createRegion, tokenFor } from '../helpers/factories.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const center = { lat: 47.1067, lon: 51.9167 };
const seed = Number(process.env.TEST_SEED ?? Date.now() % 100_000);

describe('positions: Redis-first reports and the batched PostgreSQL writer', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  let app: TestApp;
  let regionId: string;

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async function () {
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau', ...centerOf() })).id;
    this.currentTest!.title += ` (seed ${seed})`;
  });

  const centerOf = () => ({ center_lat: center.lat, center_lon: center.lon });

  async function onlineDrivers(count: number) {
    const drivers = [];
    for (let i = 0; i < count; i++) {
      const { user, driver } = await createDriver(deps, regionId, {
        current_lat: null,
        current_lon: null,
        last_location_update: null,
      });
      drivers.push({ id: driver.id, userId: user.id, token: await tokenFor(deps, user) });
    }
    return drivers;
  }

  const actorOf = (d: { id: number; userId: number }) => ({
    kind: 'user' as const,
    userId: d.userId,
    role: 'driver' as const,
    sessionId: '',
    passengerId: null,
    driverId: d.id,
  });

  /** Counts the UPDATE statements on `drivers` that `work` sends. */
  async function updatesDuring(work: () => Promise<unknown>): Promise<number> {
    let updates = 0;
    const listener = (query: { sql: string }) => {
      if (/^\s*update\s+"?drivers"?/i.test(query.sql)) updates++;
    };
    deps.db.knex.on('query', listener);
    try {
      await work();
    } finally {
      deps.db.knex.removeListener('query', listener);
    }
    return updates;
  }

  it('when a report is accepted, then PostgreSQL is not written until the writer flushes, in one statement', async () => {
    const drivers = await onlineDrivers(40);
    const random = createPrng(seed);
    const sent = new Map<number, { lat: number; lon: number }>();
    const reporting = await updatesDuring(async () => {
      for (const d of drivers) {
        const point = { lat: center.lat + random() / 100, lon: center.lon + random() / 100 };
        sent.set(d.id, point);
        const res = await app.request('PATCH', `/api/drivers/${d.id}/location/`, {
          token: d.token,
          body: point,
        });
        expect(res.status).to.equal(200);
        expect(res.body.current_position).to.deep.equal(point);
      }
    });
    expect(reporting, 'no UPDATE while reporting').to.equal(0);
    const before = await deps.db.knex('drivers').whereNotNull('current_lat').count('* as n');
    expect(Number(before[0]!.n)).to.equal(0);

    let written = 0;
    const statements = await updatesDuring(
      async () => (written = await flushDriverPositions(deps)),
    );
    expect(written).to.equal(40);
    expect(statements, 'one UPDATE for the batch').to.equal(1);

    // The API views read PostgreSQL: after the flush they show what was sent.
    for (const d of drivers) {
      const res = await app.request('GET', `/api/drivers/${d.id}/`, { token: d.token });
      expect(res.body.current_position).to.deep.equal(sent.get(d.id));
    }
    expect(await flushDriverPositions(deps), 'nothing left').to.equal(0);
  });

  it('when a batch is larger than the batch size, then one statement per batch', async () => {
    const reports = createPositionReports(deps.redis, deps.config.redis.prefix);
    const [d] = await onlineDrivers(1);
    // Dirty marks for ids without rows are written (to no row) like any other: one batch
    // holds positionBatchSize of them, so n + 1 entries take two statements. (Put straight
    // into Redis: thousands of reports through the script take too long on a loaded host.)
    const { latestKey, dirtyKey } = positionKeys(deps.config.redis.prefix);
    for (let from = 0; from < positionBatchSize; from += 500) {
      const pipeline = deps.redis.pipeline();
      for (let i = from; i < from + 500; i++) {
        pipeline.hset(latestKey, String(1_000_000 + i), `1,1,${Date.now()},,,`);
        pipeline.sadd(dirtyKey, String(1_000_000 + i));
      }
      await pipeline.exec();
    }
    await reports.report(d!.id, {
      lat: 2,
      lon: 2,
      recordedAtMs: Date.now(),
      heading: null,
      speed: null,
      accuracy: null,
    });
    const statements = await updatesDuring(() => flushDriverPositions(deps));
    expect(statements).to.equal(2);
    const row = await deps.db.knex('drivers').where({ id: d!.id }).first();
    expect(row).to.include({ current_lat: 2, current_lon: 2 });
  });

  it('when an older report arrives after a newer one, then neither Redis nor PostgreSQL moves back', async () => {
    const [d] = await onlineDrivers(1);
    const now = Date.now();
    const report = (lat: number, at: number) =>
      updateDriverLocation(deps, actorOf(d!), {
        driverId: d!.id,
        point: { lat, lon: center.lon, recorded_at: new Date(at).toISOString() },
      });
    expect((await report(47.2, now)).accepted).to.equal(true);
    const late = await report(47.1, now - 5000);
    expect(late.accepted).to.equal(false);
    expect(late.driver.current_lat).to.equal(47.2);
    await flushDriverPositions(deps);
    // A late batch (a slow writer's) holding an older position does not overwrite the row.
    const changed = await writeDriverPositions(deps.db.knex, [
      {
        driverId: d!.id,
        lat: 47.0,
        lon: center.lon,
        heading: null,
        speed: null,
        accuracy: null,
        recordedAt: new Date(now - 10_000),
      },
    ]);
    expect(changed).to.equal(0);
    const row = await deps.db.knex('drivers').where({ id: d!.id }).first();
    expect(row.current_lat).to.equal(47.2);
  });

  it('when two writers flush while reports keep coming, then every driver ends at its last report', async () => {
    const drivers = await onlineDrivers(60);
    const random = createPrng(seed + 1);
    const last = new Map<number, number>();
    const writerB = { ...deps };
    let reporting = true;
    const writers = [deps, writerB].map(async (w) => {
      let written = 0;
      while (reporting) written += await flushDriverPositions(w);
      return written;
    });
    const startMs = Date.now() - 60_000;
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        drivers.map(async (d) => {
          const lat = center.lat + random() / 100;
          last.set(d.id, lat);
          await updateDriverLocation(deps, actorOf(d), {
            driverId: d.id,
            point: {
              lat,
              lon: center.lon,
              recorded_at: new Date(startMs + round * 1000).toISOString(),
            },
          });
        }),
      );
    }
    reporting = false;
    await Promise.all(writers);
    await flushDriverPositions(deps);
    const rows: { id: number; current_lat: number }[] = await deps.db
      .knex('drivers')
      .select('id', 'current_lat');
    for (const row of rows) expect(row.current_lat, `driver ${row.id}`).to.equal(last.get(row.id));
    // And the index, in a fresh mirror, equals PostgreSQL exactly.
    const fresh = createRedisDriverPositionIndex(deps.redis, deps.config.redis.prefix);
    await fresh.sync();
    const found = await fresh.nearby({ ...center, radiusMeters: 50_000, freshSince: new Date(0) });
    await fresh.close();
    expect(new Map(found.map((f) => [f.driverId, f.lat]))).to.deep.equal(
      new Map(rows.map((r) => [r.id, r.current_lat])),
    );
  });

  it('when a writer dies holding a batch, then its claims lapse back and another writer writes them', async () => {
    const drivers = await onlineDrivers(5);
    for (const d of drivers) {
      await updateDriverLocation(deps, actorOf(d), { driverId: d.id, point: { ...center } });
    }
    const dying = createPositionReports(deps.redis, deps.config.redis.prefix);
    // Taken with a lease already over: the writer "died" without settling or giving back.
    const taken = await dying.take(100, -1);
    expect(taken.positions).to.have.length(5);
    expect(await dying.backlog()).to.equal(5);
    expect(await flushDriverPositions(deps)).to.equal(5);
    expect(await dying.backlog()).to.equal(0);
    const rows = await deps.db.knex('drivers').whereNotNull('current_lat');
    expect(rows).to.have.length(5);
  });

  it('when PostgreSQL refuses a batch, then the drivers are dirty again and the next flush writes them', async () => {
    const [d] = await onlineDrivers(1);
    await updateDriverLocation(deps, actorOf(d!), { driverId: d!.id, point: { ...center } });
    const broken: AppDeps = { ...deps, db: { ...deps.db, knex: brokenKnex() } };
    let failed = false;
    await flushDriverPositions(broken).catch(() => (failed = true));
    expect(failed).to.equal(true);
    const reports = createPositionReports(deps.redis, deps.config.redis.prefix);
    expect(await reports.backlog()).to.equal(1);
    expect(await flushDriverPositions(deps)).to.equal(1);
  });

  /** A knex-like handle whose raw statements fail, as a lost database would. */
  function brokenKnex(): AppDeps['db']['knex'] {
    const handle = Object.create(deps.db.knex) as AppDeps['db']['knex'];
    Object.defineProperty(handle, 'raw', {
      value: () => Promise.reject(new Error('connection terminated')),
    });
    return handle;
  }
});
