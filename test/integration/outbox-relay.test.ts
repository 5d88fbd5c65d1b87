import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { closeQueues, createQueues } from '../../lib/queue/queues.js';
import { insertOutboxMessages } from '../../db/repositories/outbox.repository.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { pollUntil } from '../helpers/poll-until.js';

const orderId = (n: number) => `order_01J${String(n).padStart(23, '0')}`;

describe('outbox relay', () => {
  let deps: AppDeps;
  const relays: OutboxRelay[] = [];
  const start = async (overrides: Partial<AppDeps> = {}) => {
    const relay = await startOutboxRelay(
      { ...deps, ...overrides, databaseUrl: deps.config.databaseUrl },
      { sweepIntervalMs: 200 },
    );
    relays.push(relay);
    return relay;
  };
  const unpublished = async () =>
    Number(
      (await deps.db.knex('outbox_messages').whereNull('published_at').count({ n: '*' }))[0]!.n,
    );

  before(() => {
    deps = createTestDeps();
  });
  beforeEach(async () => {
    await resetState(deps);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
  });
  after(async () => {
    await closeDeps(deps);
  });

  it('when a row is committed, then its job reaches the queue at once, named by its job id', async () => {
    await start();
    await insertOutboxMessages(deps.db.knex, [
      {
        topic: 'realtime.order-changed',
        payload: { order_id: orderId(1), version: 3 },
        jobId: 'test-job-1',
      },
    ]);
    await pollUntil(
      async () => (await deps.queues.realtime.getJob('test-job-1')) !== undefined,
      2000,
    );
    const job = await deps.queues.realtime.getJob('test-job-1');
    expect(job?.name).to.equal('realtime.order-changed');
    expect(job?.data).to.deep.equal({ order_id: orderId(1), version: 3 });
    await pollUntil(async () => (await unpublished()) === 0);
  });

  it('when a row is due later, then it becomes a delayed job', async () => {
    await start();
    const availableAt = new Date(Date.now() + 60_000);
    await insertOutboxMessages(deps.db.knex, [
      {
        topic: 'dispatch.match-order',
        payload: { order_id: orderId(2) },
        jobId: 'later-1',
        availableAt,
      },
    ]);
    await pollUntil(async () => (await deps.queues.dispatch.getJob('later-1')) !== undefined);
    const state = await (await deps.queues.dispatch.getJob('later-1'))!.getState();
    expect(state).to.equal('delayed');
  });

  it('when Redis is unreachable, then rows wait in PostgreSQL and are published once it is back', async () => {
    const deadQueues = createQueues({
      url: 'redis://127.0.0.1:1',
      prefix: deps.config.redis.prefix,
      commandTimeoutMs: 1000,
    });
    try {
      const down = await start({ queues: deadQueues });
      await insertOutboxMessages(deps.db.knex, [
        {
          topic: 'realtime.order-changed',
          payload: { order_id: orderId(3), version: 1 },
          jobId: 'owed-1',
        },
      ]);
      await pollUntil(async () => {
        const row = await deps.db.knex('outbox_messages').first('last_error');
        return row?.last_error != null;
      }, 8000);
      expect(await unpublished()).to.equal(1);
      // An outage is not the row's fault: it uses no attempt, so it is never dead-lettered.
      const row = await deps.db.knex('outbox_messages').first('attempts', 'dead_lettered_at');
      expect(row).to.deep.equal({ attempts: 0, dead_lettered_at: null });
      await down.stop();
      relays.splice(relays.indexOf(down), 1);
    } finally {
      await closeQueues(deadQueues).catch(() => undefined);
    }
    await start();
    await pollUntil(async () => (await unpublished()) === 0, 5000);
    expect(await deps.queues.realtime.getJob('owed-1')).to.not.equal(undefined);
  }).timeout(20_000);

  it('when two relays race over many rows, then every row becomes exactly one job', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      topic: 'realtime.order-changed',
      payload: { order_id: orderId(100 + i), version: 1 },
    }));
    await insertOutboxMessages(deps.db.knex, rows);
    await Promise.all([start(), start()]);
    await pollUntil(async () => (await unpublished()) === 0, 10_000);
    const counts = await deps.queues.realtime.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'completed',
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).to.equal(300);
  });
});
