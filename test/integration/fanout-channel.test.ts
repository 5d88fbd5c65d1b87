import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import {
  fanoutChannel,
  publishFanout,
  publishFanoutOnce,
  publishOrderVersions,
  type FanoutMessage,
} from '../../lib/realtime/fanout-channel.js';
import { createRedis, type Redis } from '../../lib/redis/redis.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { pollUntil } from '../helpers/poll-until.js';

const orderId = 'order_01JDZZZZZZZZZZZZZZZZZZZZZZ';
const message = (version: number): FanoutMessage => [
  { type: 'leave', rooms: [`v${version}`], room: 'marker' },
];

describe('realtime fan-out channel (real Redis)', () => {
  let deps: AppDeps;
  let sub: Redis;
  const seen: number[] = [];

  before(async () => {
    deps = createTestDeps();
    sub = createRedis(deps.config.redis);
    sub.on('message', (_channel: string, raw: string) => {
      const [action] = JSON.parse(raw) as FanoutMessage;
      if (action?.type === 'leave') seen.push(Number(action.rooms[0]!.slice(1)));
    });
    await sub.subscribe(fanoutChannel(deps.config.redis.prefix));
  });
  after(async () => {
    sub.disconnect();
    await closeDeps(deps);
  });
  beforeEach(async () => {
    await resetState(deps);
    seen.length = 0;
  });

  const publish = (floor: number, versions: number[]) =>
    publishOrderVersions(
      deps.redis,
      deps.config.redis.prefix,
      orderId,
      floor,
      versions.map((version) => ({ version, message: message(version) })),
    );
  /**
   * Everything published before now has arrived: a marker sent after it on the same connection
   * and channel came through (Redis delivers one connection's publications in order).
   */
  const markerVersion = 1_000_000;
  const settle = async () => {
    await publishFanout(deps.redis, deps.config.redis.prefix, message(markerVersion));
    await pollUntil(() => seen.includes(markerVersion), 5000, 'the marker publication');
    expect(seen.at(-1), 'the marker came last').to.equal(markerVersion);
    seen.pop();
  };

  it('when versions overlap what was already emitted, then only the newer ones go out, in order', async () => {
    expect(await publish(2, [3, 4])).to.equal(2);
    expect(await publish(0, [2, 3, 4, 5, 6])).to.equal(2);
    expect(await publish(0, [4, 5])).to.equal(0);
    await settle();
    expect(seen).to.deep.equal([3, 4, 5, 6]);
  });

  it('when no version was recorded, then the floor decides where to start', async () => {
    expect(await publish(4, [3, 4, 5])).to.equal(1);
    await settle();
    expect(seen).to.deep.equal([5]);
  });

  it('when the same announcement is published twice, then it goes out once', async () => {
    const prefix = deps.config.redis.prefix;
    expect(await publishFanoutOnce(deps.redis, prefix, 'offer:1:new', message(1))).to.equal(true);
    expect(await publishFanoutOnce(deps.redis, prefix, 'offer:1:new', message(1))).to.equal(false);
    expect(await publishFanoutOnce(deps.redis, prefix, 'offer:1:closed', message(2))).to.equal(
      true,
    );
    await settle();
    expect(seen).to.deep.equal([1, 2]);
  });
});
