/**
 * The recovery sweep re-owes, from PostgreSQL, every job whose work is owed but which Redis
 * no longer has — and nothing that is still queued or on its way through the outbox.
 */
import { expect } from 'chai';
import { Worker } from 'bullmq';
import type { Clock } from '../../lib/clock/clock.js';
import type { AppDeps } from '../../lib/deps.js';
import { matchJobId } from '../../lib/dispatch/dispatch-owed.js';
import { expireOfferJob } from '../../lib/jobs/expire-offer.job.js';
import { owe } from '../../lib/jobs/owe.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { bullConnection, bullPrefix } from '../../lib/queue/queues.js';
import { systemActor } from '../../lib/auth/actor.js';
import { transitionOrder } from '../../lib/orders/transition-order.js';
import { fanOutOrderChange } from '../../lib/realtime/fan-out-order-change.js';
import {
  lastEmittedOrderVersion,
  parseFanoutMessage,
  publishFanout,
  subscribeFanout,
} from '../../lib/realtime/fanout-channel.js';
import { startRecoveryLoop } from '../../lib/recovery/recovery-loop.js';
import { rebuildPositionIndex } from '../../lib/recovery/rebuild-position-index.js';
import { reconcileOwedWork } from '../../lib/recovery/reconcile-owed-work.js';
import { epochKey, readRedisIdentity, redisChanged } from '../../lib/recovery/redis-epoch.js';
import { queueSms } from '../../lib/sms/queue-sms.js';
import { createOrderIn, pickup, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { offerOrder } from '../helpers/order-fixtures.js';
import { pollUntil } from '../helpers/poll-until.js';
import { closeDeps, createTestDeps, flushPrefix, resetState } from '../helpers/test-deps.js';

describe('recovery sweep', () => {
  let deps: AppDeps;
  let relay: OutboxRelay;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  before(() => {
    deps = createTestDeps({ RECOVERY_GRACE_SECONDS: '10' }, clock);
  });
  beforeEach(async () => {
    offsetMs = 0;
    await resetState(deps);
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  });
  afterEach(() => relay.stop());
  after(() => closeDeps(deps));

  const unpublished = async () =>
    Number(
      (
        (await deps.db.knex('outbox_messages').whereNull('published_at').count({ n: '*' }))[0] as {
          n: string;
        }
      ).n,
    );

  async function openWork() {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { passenger } = await createPassenger(deps, region.id);
    const searching = await createOrderIn(deps, passenger);
    const prebooked = await createOrderIn(deps, passenger, 'active_queue', {
      desired_pickup_time: new Date(Date.now() + 3 * 3600_000),
    });
    const offered = await createOrderIn(deps, passenger);
    const { driver } = await placeDriver(deps, region.id, 1);
    const offer = await offerOrder(deps, offered, driver.id);
    // The engine owes the offer's expiry with it; the fixture leaves that to us.
    await owe(
      deps.db.knex,
      expireOfferJob,
      { offer_id: offer.id },
      { availableAt: offer.expires_at },
    );
    const smsId = await deps.db.transaction((trx) =>
      queueSms(trx, deps.config.jwt.secret, {
        phone: '+77011234567',
        text: 'code 123456',
        purpose: 'otp',
        expiresAt: new Date(Date.now() + 3600_000),
      }),
    );
    await relay.drain();
    return { searching, prebooked, offered, offer, smsId };
  }

  it('when every owed job is queued or on its way, then nothing is re-owed', async () => {
    await openWork();
    offsetMs = 60_000;
    const result = await reconcileOwedWork(deps);
    expect(result).to.deep.equal({ swept: true, reowed: {} });
    expect(await unpublished()).to.equal(0);
  });

  it('when Redis lost every job, then each owed one is re-owed once under a fresh id, with its due time', async () => {
    const work = await openWork();
    await flushPrefix(deps);
    // Inside the grace period the states may still be on their way: left alone.
    expect(await reconcileOwedWork(deps)).to.deep.equal({ swept: true, reowed: {} });
    offsetMs = 60_000;
    const result = await reconcileOwedWork(deps);
    expect(result).to.deep.equal({
      swept: true,
      reowed: { 'dispatch.match-order': 2, 'dispatch.expire-offer': 1, 'sms.send': 1 },
    });
    // A second sweep sees the rows on their way, then the jobs: nothing more.
    expect(await reconcileOwedWork(deps)).to.deep.equal({ swept: true, reowed: {} });
    await relay.drain();
    expect(await reconcileOwedWork(deps)).to.deep.equal({ swept: true, reowed: {} });

    const jobs = await deps.queues.dispatch.getJobs(['delayed', 'wait', 'active', 'prioritized']);
    const ids = jobs.map((j) => j.id ?? '');
    expect(ids.some((id) => id.startsWith(`${matchJobId(work.searching, 2)}~r`))).to.equal(true);
    expect(ids.some((id) => id.startsWith(`${matchJobId(work.prebooked, 2)}~r`))).to.equal(true);
    expect(ids.some((id) => id.startsWith(`expire-offer-${work.offer.id}~r`))).to.equal(true);
    // The pre-booked order still waits for its lead time; the offer for its expiry.
    const prebooked = jobs.find((j) => j.id?.startsWith(matchJobId(work.prebooked, 2)));
    expect(await prebooked?.getState()).to.equal('delayed');
    const sms = await deps.queues.sms.getJobs(['wait', 'delayed', 'prioritized']);
    expect(sms.map((j) => j.id)).to.have.length(1);
  });

  it('when the old job under the usual id has completed, then it does not block the re-owed one', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { passenger } = await createPassenger(deps, region.id);
    const orderId = await createOrderIn(deps, passenger);
    await relay.drain();
    // A worker that completes the job without deciding the order (as if its run was lost).
    const worker = new Worker('dispatch', () => Promise.resolve('lost'), {
      connection: bullConnection(deps.config.redis),
      prefix: bullPrefix(deps.config.redis, 'dispatch'),
    });
    try {
      await pollUntil(async () => {
        const job = await deps.queues.dispatch.getJob(matchJobId(orderId, 2));
        return (await job?.getState()) === 'completed';
      });
    } finally {
      await worker.close();
    }
    offsetMs = 60_000;
    expect((await reconcileOwedWork(deps)).swept).to.equal(true);
    await relay.drain();
    await pollUntil(async () => {
      const live = await deps.queues.dispatch.getJobs(['wait', 'delayed', 'prioritized']);
      return live.some((j) => j.id?.startsWith(`${matchJobId(orderId, 2)}~r`));
    });
  });

  it('when a sweep holds the lock, then another one skips rather than doubling the work', async () => {
    await openWork();
    await flushPrefix(deps);
    offsetMs = 60_000;
    const [a, b] = await Promise.all([reconcileOwedWork(deps), reconcileOwedWork(deps)]);
    const swept = [a, b].filter((r) => r.swept);
    expect(swept.length).to.be.at.least(1);
    if (swept.length === 2) {
      const counts = swept.map((r) => (r.swept ? Object.keys(r.reowed).length : 0));
      expect(counts.sort()).to.deep.equal([0, 3]);
    }
    expect(await unpublished()).to.equal(4);
  });

  it('when Redis lost the position index, then the online drivers with fresh points are found again', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { driver } = await placeDriver(deps, region.id, 1);
    await placeDriver(deps, region.id, 2, { is_online: false, status: 'offline' });
    await placeDriver(deps, region.id, 3, {
      last_location_update: new Date(Date.now() - 3600_000),
    });
    const near = () =>
      deps.positionIndex.nearby({
        lat: pickup.lat,
        lon: pickup.lon,
        radiusMeters: 10_000,
        freshSince: new Date(Date.now() - 120_000),
      });
    await flushPrefix(deps);
    await pollUntil(async () => (await near()).length === 0);
    expect(await rebuildPositionIndex(deps)).to.equal(1);
    await deps.positionIndex.sync();
    expect((await near()).map((d) => d.driverId)).to.deep.equal([driver.id]);
  });

  it('when Redis lost the realtime version gate, then an order change re-sends no old versions', async () => {
    const region = await createRegion(deps, { id: 'atyrau' });
    const { passenger } = await createPassenger(deps, region.id);
    const orderId = await createOrderIn(deps, passenger);
    await readRedisIdentity(deps.redis, deps.config.redis.prefix);
    // Its history so far reaches clients (the relay delivers the row itself; this call, or
    // the relay's, whichever runs first, publishes it). The relay is done once the row is marked.
    await fanOutOrderChange(deps, { order_id: orderId, version: 2 });
    expect(await lastEmittedOrderVersion(deps.redis, deps.config.redis.prefix, orderId)).to.equal(
      2,
    );
    await pollUntil(async () => (await unpublished()) === 0);
    await flushPrefix(deps);
    // A worker notices the wipe and sets a new epoch, later than the order.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await readRedisIdentity(deps.redis, deps.config.redis.prefix);
    const versions: number[] = [];
    const marker = `marker-${orderId}`;
    let markerSeen = false;
    const subscription = subscribeFanout(deps.config.redis, (raw) => {
      if (raw.includes(marker)) markerSeen = true;
      for (const action of parseFanoutMessage(raw) ?? []) {
        if (action.type !== 'emit' || action.event !== 'order_status_changed') continue;
        const payload = 'all' in action.payload ? action.payload.all : action.payload.byLocale.en;
        if (payload.order_id === orderId) versions.push(payload.version);
      }
    });
    try {
      await subscription.ready;
      await deps.db.transaction((trx) =>
        transitionOrder(
          trx,
          { orderId, to: 'cancelled', actor: systemActor, reason: 'test' },
          deps.clock.now(),
          deps.config.dispatch,
        ),
      );
      await fanOutOrderChange(deps, { order_id: orderId, version: 3 });
      await pollUntil(async () => (await unpublished()) === 0);
      // A marker after both deliveries: whatever they published has arrived before it.
      await publishFanout(deps.redis, deps.config.redis.prefix, [
        { type: 'leave', rooms: [marker], room: marker },
      ]);
      await pollUntil(() => markerSeen);
      // Only version 3 went out, once, not the history again.
      expect(versions).to.deep.equal([3]);
    } finally {
      await subscription.close();
    }
  });

  it('when a worker sees Redis come back empty, then the schedules, positions and lost jobs are back within seconds', async () => {
    const loopDeps = createTestDeps({
      RECOVERY_EPOCH_CHECK_MS: '100',
      RECOVERY_GRACE_SECONDS: '600',
    });
    const region = await createRegion(deps, { id: 'atyrau' });
    const { passenger } = await createPassenger(deps, region.id);
    const orderId = await createOrderIn(deps, passenger);
    const { driver } = await placeDriver(deps, region.id, 1);
    await relay.drain();
    // A worker starting on a Redis with no epoch yet (resetState set one): its first check
    // finds it empty and schedules the repeatable jobs.
    await deps.redis.del(epochKey(deps.config.redis.prefix));
    const loop = startRecoveryLoop(loopDeps);
    try {
      await pollUntil(
        async () =>
          (await deps.queues.maintenance.getJobScheduler('maintenance.prune')) !== undefined,
      );
      await flushPrefix(deps);
      const wipedAt = Date.now();
      await pollUntil(
        async () =>
          (await deps.queues.maintenance.getJobScheduler('maintenance.prune')) !== undefined,
        5000,
        'the prune schedule again',
      );
      await relay.drain();
      // The order entered matching moments ago: re-owed at once all the same (no grace after a wipe).
      await pollUntil(
        async () => {
          const jobs = await deps.queues.dispatch.getJobs(['wait', 'delayed', 'prioritized']);
          return jobs.some((j) => j.id?.startsWith(`${matchJobId(orderId, 2)}~r`));
        },
        5000,
        'the re-owed match job',
      );
      await deps.positionIndex.sync();
      const near = await deps.positionIndex.nearby({
        lat: pickup.lat,
        lon: pickup.lon,
        radiusMeters: 10_000,
        freshSince: new Date(Date.now() - 120_000),
      });
      expect(near.map((d) => d.driverId)).to.deep.equal([driver.id]);
      console.log(`      recovered ${Date.now() - wipedAt} ms after the wipe`);
    } finally {
      await loop.stop();
      await closeDeps(loopDeps);
    }
  });

  it('when Redis is emptied or restarted, then the epoch check says so; otherwise not', async () => {
    const first = await readRedisIdentity(deps.redis, deps.config.redis.prefix);
    const same = await readRedisIdentity(deps.redis, deps.config.redis.prefix);
    expect(redisChanged(first, same)).to.equal(false);
    await flushPrefix(deps);
    const emptied = await readRedisIdentity(deps.redis, deps.config.redis.prefix);
    expect(emptied.wasEmpty).to.equal(true);
    expect(redisChanged(same, emptied)).to.equal(true);
    // Another worker saw the wipe first and set the new epoch: this one still notices.
    expect(redisChanged(same, { ...emptied, wasEmpty: false })).to.equal(true);
    expect(redisChanged(same, { ...same, runId: 'another-run' })).to.equal(true);
  });
});
