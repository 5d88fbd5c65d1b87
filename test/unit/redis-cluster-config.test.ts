import { expect } from 'chai';
import { loadConfig } from '../../lib/config/config.js';
import { configProblems } from '../helpers/config-problems.js';
import { bullPrefix } from '../../lib/queue/queues.js';
import { redisGroupKey, redisKey } from '../../lib/redis/redis.js';

const problemsOf = configProblems;

describe('Redis Cluster settings and key names', () => {
  it('when REDIS_CLUSTER_NODES is unset, then one Redis at REDIS_URL is used', () => {
    expect(loadConfig({}).redis.clusterNodes).to.equal(null);
  });

  it('when REDIS_CLUSTER_NODES lists nodes, then each is a host and a port', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis-a:7000, 10.0.0.2:7001' });
    expect(config.redis.clusterNodes).to.deep.equal([
      { host: 'redis-a', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ]);
  });

  it('when both REDIS_URL and REDIS_CLUSTER_NODES are set, then start-up says to pick one', () => {
    expect(
      problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: 'a:7000' }),
    ).to.deep.equal(['set REDIS_URL or REDIS_CLUSTER_NODES, not both']);
  });

  it('when a node is not host:port, then it is named', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'a:7000,b,c:99999' })).to.deep.equal([
      'REDIS_CLUSTER_NODES: "b" is not host:port',
      'REDIS_CLUSTER_NODES: "c:99999" is not host:port',
    ]);
  });

  it('when keys are used together, then they share one hash tag; single keys keep plain names', () => {
    expect(redisGroupKey('invo', 'realtime', 'fanout')).to.equal('invo:{realtime}:fanout');
    expect(redisKey('invo', 'rl', 'writes', 'user')).to.equal('invo:rl:writes:user');
  });

  it('when BullMQ runs on one Redis, then its prefix is unchanged; on a cluster, one hash tag per queue', () => {
    const standalone = { url: 'redis://x', prefix: 'invo', commandTimeoutMs: 1000 };
    expect(bullPrefix(standalone, 'dispatch')).to.equal('invo:bull');
    const cluster = { ...standalone, clusterNodes: [{ host: 'a', port: 7000 }] };
    expect(bullPrefix(cluster, 'dispatch')).to.equal('invo:bull:{dispatch}');
    expect(bullPrefix(cluster, 'sms')).to.equal('invo:bull:{sms}');
  });
});
