/**
 * Reports issued together share one pipeline to Redis; each still gets its own answer, in the
 * order sent, and a Redis that forgot the script (restart, SCRIPT FLUSH) is answered by each
 * call's EVAL fallback. On a private redis-server, so flushing its scripts disturbs no one.
 */
import { expect } from 'chai';
import { createPositionReports, type LatestPosition } from '../../lib/geo/position-reports.js';
import { createRedis, type Redis } from '../../lib/redis/redis.js';
import { privateRedis, type PrivateRedis } from '../helpers/private-redis.js';

const port = Number(process.env.HELPER_SPARE_PORT_BASE ?? 7545) + 2;

describe('position reports: one pipeline per event-loop turn', function () {
  this.timeout(20_000);
  let server: PrivateRedis;
  let redis: Redis;

  before(async () => {
    server = privateRedis(port);
    await server.start();
    redis = createRedis({ url: server.url, prefix: 'batch', commandTimeoutMs: 2000 });
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  const at = (recordedAtMs: number, lat = 47.1): LatestPosition => ({
    lat,
    lon: 51.9,
    recordedAtMs,
    heading: null,
    speed: null,
    accuracy: null,
  });

  it('when many reports are sent at once, then each gets its own answer, in order', async () => {
    const reports = createPositionReports(redis, 'batch');
    const drivers = Array.from({ length: 20 }, (_, i) => i + 1);
    const outcomes = await Promise.all(
      drivers.map((id) => reports.report(id, at(1000, 47 + id / 100))),
    );
    expect(outcomes.map((o) => o.accepted)).to.deep.equal(drivers.map(() => true));
    expect(outcomes.map((o) => o.held.lat)).to.deep.equal(drivers.map((id) => 47 + id / 100));
    // Same driver twice in one batch: the newer first, then an older one, which is refused.
    const [newer, older] = await Promise.all([
      reports.report(1, at(3000, 48)),
      reports.report(1, at(2000, 49)),
    ]);
    expect(newer).to.include({ accepted: true });
    expect(older).to.include({ accepted: false });
    expect(older.held).to.deep.equal(at(3000, 48));
    expect(await reports.latest(1)).to.deep.equal(at(3000, 48));
  });

  it('when Redis has forgotten the script, then every report of the batch still lands', async () => {
    const reports = createPositionReports(redis, 'batch');
    await reports.report(1, at(1000));
    await redis.script('FLUSH');
    const drivers = Array.from({ length: 10 }, (_, i) => i + 1);
    const outcomes = await Promise.all(drivers.map((id) => reports.report(id, at(5000 + id))));
    expect(outcomes.map((o) => o.accepted)).to.deep.equal(drivers.map(() => true));
    for (const id of drivers) expect(await reports.latest(id)).to.deep.equal(at(5000 + id));
  });
});
