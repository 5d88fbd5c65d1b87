import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import { EventQueue } from '../../lib/simulation/event-queue.js';
import { nycRegions, regionLocator } from '../../lib/simulation/regions.js';
import {
  dispatchConfig,
  prepareInputs,
  replayDefaults,
  runPolicies,
  type ReplayOptions,
} from '../../lib/simulation/replay.js';
import { loadTripRequests, nycTripFile, parseTime } from '../../lib/simulation/trips.js';

const run = promisify(execFile);
const small: ReplayOptions = {
  ...replayDefaults,
  trips: nycTripFile,
  fleet: 400,
  to: '2013-01-01T00:06:00',
  env: {},
};

describe('replay simulator', () => {
  it('ships the NYC trip file byte for byte (sha256 of data/README.md)', () => {
    const sha = createHash('sha256').update(readFileSync(nycTripFile)).digest('hex');
    expect(sha).to.equal('a6ecab7b076d038fd5e6fe8f09761d67c487425b143b98e4e16dff7ab4ac51ea');
    expect(readFileSync(path.join(path.dirname(nycTripFile), 'README.md'), 'utf8')).to.include(sha);
  });

  it('reads the DEBS file in pickup order, dropping out-of-box rows', () => {
    const trips = loadTripRequests(nycTripFile, 'debs');
    expect(trips).to.have.length(9821);
    for (let i = 1; i < trips.length; i++) {
      expect(trips[i]!.requestedAtMs).to.be.at.least(trips[i - 1]!.requestedAtMs);
    }
    expect(trips[0]!.requestedAtMs).to.equal(parseTime('2013-01-01 00:00:00'));
    expect(parseTime('1356998400')).to.equal(parseTime('2013-01-01T00:00:00Z'));
  });

  it('reads a generic CSV (Unix seconds, wheelchair and seats columns) in Atyrau regions', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'replay-generic-'));
    try {
      const file = path.join(dir, 'trips.csv');
      writeFileSync(
        file,
        [
          'pickup_time,pickup_lat,pickup_lon,dropoff_lat,dropoff_lon,trip_seconds,needs_wheelchair,seats',
          '1764900060,47.107,51.91,47.13,51.90,600,1,2',
          '1764900000,47.13,51.90,47.107,51.91,420,0,',
          '1764900030,0,0,47.1,51.9,300,0,1',
        ].join('\n'),
      );
      const trips = loadTripRequests(file, 'generic');
      expect(trips.map((t) => [t.requestedAtMs, t.needsWheelchair, t.seats])).to.deep.equal([
        [1_764_900_000_000, false, null],
        [1_764_900_060_000, true, 2],
      ]);
      const inputs = prepareInputs({
        ...small,
        trips: file,
        format: 'generic',
        fleet: 3,
        to: undefined,
      });
      expect(inputs.regionsName).to.equal('atyrau');
      expect(inputs.requests.map((r) => r.regionId)).to.deep.equal(['avangard', 'atyrau_center']);
      expect(inputs.requests[1]!.needsWheelchair).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('places pickups in the four NYC home regions', () => {
    const regionOf = regionLocator(nycRegions);
    expect(regionOf({ lat: 40.7075, lon: -74.0113 })).to.equal('nyc_1_downtown'); // Wall St
    expect(regionOf({ lat: 40.758, lon: -73.9855 })).to.equal('nyc_2_midtown'); // Times Sq
    expect(regionOf({ lat: 40.7794, lon: -73.9632 })).to.equal('nyc_3_uptown'); // the Met
    expect(regionOf({ lat: 40.6413, lon: -73.7781 })).to.equal('nyc_4_east'); // JFK
  });

  it('runs its events in time order, same-time events in scheduling order', () => {
    const seed = Date.now() % 100_000;
    const random = createPrng(seed);
    const queue = new EventQueue<number>();
    const times = Array.from({ length: 500 }, () => Math.floor(random() * 50));
    times.forEach((t, i) => queue.push(t, i));
    const order: number[] = [];
    for (let e = queue.pop(); e; e = queue.pop()) order.push(e.event);
    const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
    expect(order, `seed ${seed}`).to.deep.equal(expected.map((e) => e.i));
  });

  it('serves every policy on a small NYC slice with declines and unanswered offers', () => {
    const inputs = prepareInputs(small);
    const reports = runPolicies(inputs, small, dispatchConfig({}));
    expect(reports.map((r) => r.policy)).to.deep.equal(replayDefaults.policies);
    for (const r of reports) {
      expect(r.orders).to.equal(inputs.requests.length);
      expect(r.served, r.policy).to.be.greaterThan(r.orders * 0.5);
      // The default drivers decline or miss some offers, so there is more than one per order.
      expect(r.offers_per_order, r.policy).to.be.greaterThan(1);
    }
    const nearest = reports.find((r) => r.policy === 'nearest')!;
    const optimum = reports.find((r) => r.policy === 'batch-optimum')!;
    const ranked = reports.find((r) => r.policy === 'ranked')!;
    expect(optimum.pickup_km_mean).to.be.at.most(ranked.pickup_km_mean!);
    expect(nearest.pickup_km_mean).to.be.at.most(ranked.pickup_km_mean!);
  });

  it('writes a byte-identical report.json for the same inputs and seed', async function () {
    this.timeout(120_000);
    const dirs = [
      mkdtempSync(path.join(tmpdir(), 'replay-a-')),
      mkdtempSync(path.join(tmpdir(), 'replay-b-')),
    ];
    try {
      for (const dir of dirs) {
        await run(process.execPath, [
          '--import',
          'tsx',
          'bin/replay.ts',
          '--fleet',
          '300',
          '--to',
          '2013-01-01T00:04:00',
          '--seed',
          '7',
          '--prebooked-share',
          '0.1',
          '--out',
          dir,
        ]);
      }
      const [a, b] = dirs.map((d) => readFileSync(path.join(d, 'report.json'), 'utf8'));
      expect(a).to.equal(b);
      const report = JSON.parse(a!) as { policies: { policy: string }[] };
      expect(report.policies).to.have.length(5);
      expect(readFileSync(path.join(dirs[0]!, 'report.html'), 'utf8')).to.include('new Chart(');
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});
