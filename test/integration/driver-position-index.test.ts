import { expect } from 'chai';
import { pollUntil } from '../helpers/poll-until.js';
import type { AppDeps } from '../../lib/deps.js';
import {
  createRedisDriverPositionIndex,
  type DriverPositionIndex,
} from '../../lib/geo/driver-position-index.js';
import { decodePosition, positionKeys } from '../../lib/geo/position-store.js';
import { closeDeps, createTestDeps, flushPrefix } from '../helpers/test-deps.js';

const center = { lat: 47.1067, lon: 51.9167 };
const everything = { ...center, radiusMeters: 20_000, freshSince: new Date(0) };

describe('driver position index (Redis truth, in-memory mirrors)', () => {
  let deps: AppDeps;
  let workerA: DriverPositionIndex;
  let workerB: DriverPositionIndex;
  const prefix = () => deps.config.redis.prefix;

  before(() => {
    deps = createTestDeps();
  });
  after(() => closeDeps(deps));
  beforeEach(async () => {
    await flushPrefix(deps);
    workerA = createRedisDriverPositionIndex(deps.redis, prefix());
    workerB = createRedisDriverPositionIndex(deps.redis, prefix());
  });
  afterEach(async () => {
    await workerA.close();
    await workerB.close();
  });

  /** What Redis holds, as `id@lat,lon` sorted by id. */
  async function redisTruth(): Promise<string[]> {
    const hash = await deps.redis.hgetall(positionKeys(prefix()).positionsKey);
    return Object.entries(hash)
      .map(([id, raw]) => ({ id: Number(id), p: decodePosition(raw)! }))
      .sort((a, b) => a.id - b.id)
      .map(({ id, p }) => `${id}@${p.lat},${p.lon}`);
  }

  async function mirrorOf(index: DriverPositionIndex): Promise<string[]> {
    await index.sync();
    return (await index.nearby(everything))
      .sort((a, b) => a.driverId - b.driverId)
      .map((d) => `${d.driverId}@${d.lat},${d.lon}`);
  }

  it('when two workers interleave upserts and removes, then both mirrors equal Redis', async () => {
    // Both mirrors are live before the writes, so they follow the stream rather than load it.
    await workerA.nearby(everything);
    await workerB.nearby(everything);
    let seed = 7;
    const next = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 600; i++) {
      const writer = i % 2 === 0 ? workerA : workerB;
      const driverId = 1 + Math.floor(next() * 40);
      if (next() < 0.2) writes.push(writer.remove(driverId));
      else {
        writes.push(
          writer.upsert({
            driverId,
            lat: center.lat + (next() - 0.5) * 0.2,
            lon: center.lon + (next() - 0.5) * 0.2,
            // Some writes arrive late with an older timestamp and must lose.
            recordedAt: new Date(1_700_000_000_000 + i * 1000 - (next() < 0.2 ? 5000 : 0)),
          }),
        );
      }
    }
    await Promise.all(writes);
    const truth = await redisTruth();
    expect(truth.length).to.be.greaterThan(10);
    expect(await mirrorOf(workerA)).to.deep.equal(truth);
    expect(await mirrorOf(workerB)).to.deep.equal(truth);
  });

  it('when a worker writes, then its very next search sees the write', async () => {
    await workerA.nearby(everything);
    for (let i = 1; i <= 20; i++) {
      await workerA.upsert({ driverId: i, ...center, recordedAt: new Date() });
      expect((await workerA.nearby(everything)).map((d) => d.driverId)).to.include(i);
      await workerA.remove(i);
      expect((await workerA.nearby(everything)).map((d) => d.driverId)).to.not.include(i);
    }
  });

  it('when many searches sync at once while another worker writes, then each sees every write acknowledged before it', async () => {
    await workerA.sync();
    const checks: Promise<void>[] = [];
    for (let i = 1; i <= 60; i++) {
      await workerB.upsert({ driverId: i, ...center, recordedAt: new Date() });
      // Not awaited: the syncs overlap, so most of them share a head read with others.
      checks.push(
        workerA.sync().then(async () => {
          const seen = new Set((await workerA.nearby(everything)).map((d) => d.driverId));
          for (let j = 1; j <= i; j++)
            expect(seen.has(j), `write ${j} before sync ${i}`).to.equal(true);
        }),
      );
    }
    await Promise.all(checks);
  });

  it('when a worker fires writes without waiting, then Redis applies them in the order sent', async () => {
    const at = (driverId: number, ms: number) => ({
      driverId,
      ...center,
      recordedAt: new Date(ms),
    });
    await Promise.all([
      workerA.upsert(at(1, 1000)),
      workerA.remove(1),
      workerA.upsert(at(1, 2000)),
    ]);
    await Promise.all([
      workerA.upsert(at(2, 1000)),
      workerA.upsert(at(2, 2000)),
      workerA.remove(2),
    ]);
    expect(await redisTruth()).to.deep.equal([`1@${center.lat},${center.lon}`]);
  });

  it('when an older position arrives after a newer one, then the newer one stays', async () => {
    await workerA.upsert({ driverId: 1, lat: 47.2, lon: 51.9, recordedAt: new Date(2000) });
    await workerB.upsert({ driverId: 1, lat: 47.0, lon: 51.9, recordedAt: new Date(1000) });
    expect(await mirrorOf(workerB)).to.deep.equal(['1@47.2,51.9']);
  });

  it('when the stream is trimmed or the keys flushed behind a mirror, then it reloads and stays exact', async () => {
    await workerA.upsert({ driverId: 1, ...center, recordedAt: new Date() });
    expect(await mirrorOf(workerB)).to.have.length(1);
    // A gap: changes written while the stream entry is lost (as MAXLEN trimming would do).
    await workerA.upsert({ driverId: 2, ...center, recordedAt: new Date() });
    await deps.redis.xtrim(positionKeys(prefix()).streamKey, 'MAXLEN', 0);
    await workerA.upsert({ driverId: 3, ...center, recordedAt: new Date() });
    expect(await mirrorOf(workerB)).to.deep.equal(await redisTruth());
    await flushPrefix(deps);
    expect(await mirrorOf(workerB)).to.deep.equal([]);
  });

  it('when positions go stale, then searches skip them and the pruner removes them everywhere', async () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const pruning = createRedisDriverPositionIndex(deps.redis, prefix(), {
      clock: { now: () => new Date(now) },
      pruneAfterMs: 60_000,
      pruneIntervalMs: 20,
    });
    try {
      await pruning.upsert({ driverId: 1, ...center, recordedAt: new Date(now - 30_000) });
      await pruning.upsert({ driverId: 2, ...center, recordedAt: new Date(now) });
      const fresh = await pruning.nearby({ ...everything, freshSince: new Date(now - 10_000) });
      expect(fresh.map((d) => d.driverId)).to.deep.equal([2]);
      now += 45_000; // driver 1 is now 75 s old: past the prune age; driver 2 is 45 s old
      const only2 = [`2@${center.lat},${center.lon}`];
      await pollUntil(
        async () =>
          JSON.stringify(await redisTruth()) === JSON.stringify(only2) &&
          JSON.stringify(await mirrorOf(workerA)) === JSON.stringify(only2),
        5000,
        'the pruner to remove driver 1 from Redis and the mirror',
      );
      expect(await redisTruth()).to.deep.equal(only2);
      expect(await mirrorOf(workerA)).to.deep.equal(only2);
    } finally {
      await pruning.close();
    }
  });
});
