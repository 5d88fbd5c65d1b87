import { expect } from 'chai';
import type { Worker } from 'bullmq';
import type { AppDeps } from '../../lib/deps.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { closeQueues, createQueues } from '../../lib/queue/queues.js';
import {
  lastEmittedOrderVersion,
  parseFanoutMessage,
  subscribeFanout,
} from '../../lib/realtime/fanout-channel.js';
import { createRedis } from '../../lib/redis/redis.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { insertOutboxMessages } from '../../db/repositories/outbox.repository.js';
import { createOrderIn, moveOrder } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
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
        topic: 'dispatch.match-order',
        payload: { order_id: orderId(1) },
        jobId: 'test-job-1',
      },
    ]);
    await pollUntil(
      async () => (await deps.queues.dispatch.getJob('test-job-1')) !== undefined,
      2000,
    );
    const job = await deps.queues.dispatch.getJob('test-job-1');
    expect(job?.name).to.equal('dispatch.match-order');
    expect(job?.data).to.deep.equal({ order_id: orderId(1) });
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
        { topic: 'dispatch.match-order', payload: { order_id: orderId(3) }, jobId: 'owed-1' },
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
    expect(await deps.queues.dispatch.getJob('owed-1')).to.not.equal(undefined);
  }).timeout(20_000);

  it('when two relays race over many rows, then every row becomes exactly one job', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      topic: 'dispatch.match-order',
      payload: { order_id: orderId(100 + i) },
    }));
    await insertOutboxMessages(deps.db.knex, rows);
    await Promise.all([start(), start()]);
    await pollUntil(async () => (await unpublished()) === 0, 10_000);
    const counts = await deps.queues.dispatch.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'completed',
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).to.equal(300);
  });

  describe('realtime changes: delivered by the relay itself', () => {
    const published: { orderId: string; version: number }[] = [];
    let subscription: ReturnType<typeof subscribeFanout> | null = null;
    let workers: Worker[] = [];
    beforeEach(async () => {
      published.length = 0;
      subscription = subscribeFanout(deps.config.redis, (raw) => {
        for (const action of parseFanoutMessage(raw) ?? []) {
          if (action.type !== 'emit' || action.event !== 'order_status_changed') continue;
          const payload = 'all' in action.payload ? action.payload.all : action.payload.byLocale.en;
          published.push({ orderId: payload.order_id, version: payload.version });
        }
      });
      await subscription.ready;
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.close()));
      await subscription?.close();
    });

    /**
     * A passenger books: versions 1 (submitted) and 2 (matching) commit with their outbox rows,
     * the realtime change's and the owed dispatch job's (queued on the dispatch queue).
     */
    async function committedChange(): Promise<string> {
      const region = await createRegion(deps);
      const { passenger } = await createPassenger(deps, region.id);
      return createOrderIn(deps, passenger);
    }
    const bothVersions = (id: string) => [
      { orderId: id, version: 1 },
      { orderId: id, version: 2 },
    ];
    const queuedRealtimeJobs = async () =>
      Object.values(
        await deps.queues.realtime.getJobCounts('waiting', 'delayed', 'active', 'completed'),
      ).reduce((a, b) => a + b, 0);

    it('when an order change is committed, then the relay publishes it on the fan-out channel once, with no job queued', async () => {
      await start();
      const id = await committedChange();
      await pollUntil(() => published.some((p) => p.orderId === id), 5000, 'the publication');
      await pollUntil(async () => (await unpublished()) === 0, 5000, 'the row marked');
      expect(published).to.deep.equal(bothVersions(id));
      expect(await lastEmittedOrderVersion(deps.redis, deps.config.redis.prefix, id)).to.equal(2);
      expect(await queuedRealtimeJobs()).to.equal(0);
    });

    it('when one batch holds changes of several orders, one moved twice, then each version is published once, in order', async () => {
      // Committed before any relay runs: the first claim takes them all as one batch.
      const ids = [await committedChange(), await committedChange(), await committedChange()];
      await moveOrder(deps, ids[1]!, 'cancelled');
      // Each booking is versions 1 and 2; the cancel is version 3 of the second.
      expect(await unpublished()).to.equal(7);
      await start();
      await pollUntil(async () => (await unpublished()) === 0, 5000, 'the rows marked');
      await pollUntil(() => published.length >= 7, 5000, 'the publications');
      const of = (id: string) => published.filter((p) => p.orderId === id).map((p) => p.version);
      expect(of(ids[0]!)).to.deep.equal([1, 2]);
      expect(of(ids[1]!)).to.deep.equal([1, 2, 3]);
      expect(of(ids[2]!)).to.deep.equal([1, 2]);
      // A later change through the same path: a duplicate of the batch would have shown by now.
      const later = await committedChange();
      await pollUntil(() => of(later).length >= 2, 5000, 'the later one');
      expect(of(later)).to.deep.equal([1, 2]);
      expect(published).to.have.length(9);
      expect(await queuedRealtimeJobs()).to.equal(0);
    });

    it('when the direct delivery fails, then the change goes to the realtime queue and its job delivers it once', async () => {
      // The relay's own Redis client is dead while BullMQ's answers: the delivery fails, the add works.
      const deadRedis = createRedis({
        url: 'redis://127.0.0.1:1',
        prefix: deps.config.redis.prefix,
        commandTimeoutMs: 300,
      });
      try {
        await start({ redis: deadRedis });
        const id = await committedChange();
        await pollUntil(async () => (await queuedRealtimeJobs()) === 1, 10_000, 'the job');
        await pollUntil(async () => (await unpublished()) === 0, 5000, 'the row marked');
        expect(published).to.deep.equal([]);
        workers = startQueueWorkers(deps, ['realtime']);
        await pollUntil(() => published.length > 0, 10_000, 'the publication by the job');
        expect(await lastEmittedOrderVersion(deps.redis, deps.config.redis.prefix, id)).to.equal(2);
        await pollUntil(
          async () => (await deps.queues.realtime.getJobCounts('completed')).completed === 1,
          5000,
          'the job completed',
        );
        expect(published).to.deep.equal(bothVersions(id));
      } finally {
        deadRedis.disconnect();
      }
    }).timeout(20_000);
  });
});
