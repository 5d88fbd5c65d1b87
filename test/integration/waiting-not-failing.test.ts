/**
 * "No driver yet" is waiting, not failing: the match job goes back to BullMQ's delayed set
 * for the backoff, uses no attempt, and never shows among failed jobs; the order is offered
 * as soon as a driver appears.
 */
import { expect } from 'chai';
import type { Worker } from 'bullmq';
import type { AppDeps } from '../../lib/deps.js';
import { matchJobId } from '../../lib/dispatch/dispatch-owed.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { pollUntil } from '../helpers/poll-until.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

describe('waiting is not failing', () => {
  let deps: AppDeps;
  let relay: OutboxRelay;
  let workers: Worker[] = [];
  before(() => {
    deps = createTestDeps({ DISPATCH_RETRY_BACKOFF_MS: '300', DISPATCH_GIVE_UP_SECONDS: '600' });
  });
  beforeEach(async () => {
    await resetState(deps);
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
    workers = startQueueWorkers(deps, ['dispatch']);
  });
  afterEach(async () => {
    await relay.stop();
    await Promise.all(workers.map((w) => w.close()));
  });
  after(() => closeDeps(deps));

  it('when no driver is free for several tries, then the job is delayed each time, with no attempt used and nothing failed', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { passenger } = await createPassenger(deps, region.id);
    const orderId = await createOrderIn(deps, passenger);
    const jobId = matchJobId(orderId, 2);
    let runs = 0;
    workers[0]!.on('active', (job) => {
      if (job.id === jobId) runs++;
    });
    await pollUntil(() => Promise.resolve(runs >= 3), 10_000);
    const job = await deps.queues.dispatch.getJob(jobId);
    expect(job?.attemptsMade).to.equal(0);
    expect(await job?.getState()).to.be.oneOf(['delayed', 'active', 'waiting']);
    expect(await deps.queues.dispatch.getJobCounts('failed')).to.deep.equal({ failed: 0 });

    // A driver appears: the next run offers the order.
    await placeDriver(deps, region.id, 1);
    await pollUntil(async () => {
      const order = await deps.db.knex('orders').where({ id: orderId }).first('status');
      return (order as { status: string }).status === 'offered';
    }, 10_000);
    expect(await deps.queues.dispatch.getJobCounts('failed')).to.deep.equal({ failed: 0 });
  });
});
