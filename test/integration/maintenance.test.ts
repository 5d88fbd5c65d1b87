import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Worker } from 'bullmq';
import { systemActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { pruneRowsPastRetention } from '../../lib/maintenance/prune.js';
import { scheduleRepeatableJobs } from '../../lib/jobs/schedules.js';
import { createMaintenanceMetrics } from '../../lib/metrics/maintenance-metrics.js';
import { createMetricsRegistry } from '../../lib/metrics/metrics-registry.js';
import { parseJobPayload } from '../../lib/jobs/registry.js';
import { closeQueues, createQueues } from '../../lib/queue/queues.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { createUser } from '../helpers/factories.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { pollUntil } from '../helpers/poll-until.js';

const hour = 3600_000;
const day = 24 * hour;
// A fixed "now" for the rules, so every age below is exact (the defaults: access tokens 24 h,
// published outbox 72 h, finished SMS 30 days, expired OTP one day).
const now = new Date('2026-11-20T12:00:00Z');
const clock: Clock = { now: () => now };
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('maintenance: pruning old rows', () => {
  let deps: AppDeps;
  const knex = () => deps.db.knex;
  const ids = async (table: string, column = 'id') =>
    ((await knex()(table).orderBy(column).pluck(column)) as (string | number)[]).map(String);

  // Rows written directly, here and below: pruning is about ages (created, published, revoked,
  // expired) that the use cases stamp with the database's now(), which no fake clock moves.
  async function addOutbox(publishedAt: Date | null, createdAt: Date): Promise<string> {
    const [row] = await knex()('outbox_messages')
      .insert({
        topic: 'sms.send',
        payload: JSON.stringify({ sms_message_id: 1 }),
        created_at: createdAt,
        available_at: createdAt,
        published_at: publishedAt,
      })
      .returning<{ id: number }[]>('id');
    return String(row!.id);
  }
  async function addSms(status: string, createdAt: Date): Promise<string> {
    const [row] = await knex()('sms_messages')
      .insert({
        purpose: 'otp',
        phone_masked: '+7701*****01',
        payload_encrypted: status === 'pending' ? 'sealed' : null,
        status,
        created_at: createdAt,
      })
      .returning<{ id: number }[]>('id');
    return String(row!.id);
  }
  async function addSession(
    userId: number,
    createdAt: Date,
    revokedAt: Date | null,
    tokenExpiries: Date[],
  ): Promise<{ session: string; tokens: string[] }> {
    const session = randomUUID();
    await knex()('auth_sessions').insert({
      id: session,
      user_id: userId,
      created_at: createdAt,
      revoked_at: revokedAt,
    });
    const tokens = tokenExpiries.map(() => randomUUID());
    if (tokens.length > 0) {
      await knex()('refresh_tokens').insert(
        tokens.map((id, i) => ({ id, session_id: session, expires_at: tokenExpiries[i] })),
      );
    }
    return { session, tokens };
  }

  before(() => {
    deps = createTestDeps({}, clock);
  });
  beforeEach(() => resetState(deps));
  after(() => closeDeps(deps));

  it('when rows of every kind are old or fresh, then exactly the old ones go and are counted', async () => {
    const outboxOld = await addOutbox(ago(73 * hour), ago(74 * hour));
    const outboxFresh = await addOutbox(ago(71 * hour), ago(74 * hour));
    const outboxUnpublished = await addOutbox(null, ago(100 * hour));
    const outboxRecent = await addOutbox(ago(60_000), ago(60_000));

    const smsSentOld = await addSms('sent', ago(31 * day));
    const smsFailedOld = await addSms('failed', ago(31 * day));
    const smsExpiredOld = await addSms('expired', ago(31 * day));
    const smsPendingOld = await addSms('pending', ago(31 * day));
    const smsSentFresh = await addSms('sent', ago(29 * day));

    await knex()('otp_codes').insert([
      { phone: '+77010000001', code_hash: 'h', expires_at: ago(25 * hour) },
      { phone: '+77010000002', code_hash: 'h', expires_at: ago(23 * hour) },
      { phone: '+77010000003', code_hash: 'h', expires_at: new Date(now.getTime() + 60_000) },
    ]);

    const user = await createUser(deps, 'passenger');
    const future = new Date(now.getTime() + 5 * day);
    // Revoked past the access-token lifetime: gone, with its still-unexpired token (cascade).
    const revokedOld = await addSession(user.id, ago(10 * day), ago(25 * hour), [future]);
    // Revoked within it: an access token could still be presented; the row stays.
    const revokedRecent = await addSession(user.id, ago(10 * day), ago(23 * hour), []);
    // Newest refresh token expired past the access-token lifetime: gone, tokens too.
    const expiredOld = await addSession(user.id, ago(10 * day), null, [
      ago(3 * day),
      ago(25 * hour),
    ]);
    // Newest expired within it: stays; its older token (expired two days ago) goes.
    const expiredRecent = await addSession(user.id, ago(10 * day), null, [
      ago(2 * day),
      ago(23 * hour),
    ]);
    const active = await addSession(user.id, ago(10 * day), null, [future]);
    // No token at all: judged by its opening (its first access token came with it).
    const bareNew = await addSession(user.id, ago(hour), null, []);
    const bareOld = await addSession(user.id, ago(25 * hour), null, []);

    const counts = await pruneRowsPastRetention(deps, systemActor, {});

    expect(counts).to.deep.equal({
      outbox_messages: 1,
      sms_messages: 3,
      otp_codes: 1,
      refresh_tokens: 3,
      auth_sessions: 3,
    });
    expect(await ids('outbox_messages')).to.deep.equal([
      outboxFresh,
      outboxUnpublished,
      outboxRecent,
    ]);
    expect(await ids('outbox_messages')).not.to.include(outboxOld);
    expect(await ids('sms_messages')).to.deep.equal([smsPendingOld, smsSentFresh]);
    for (const gone of [smsSentOld, smsFailedOld, smsExpiredOld]) {
      expect(await ids('sms_messages')).not.to.include(gone);
    }
    expect(await ids('otp_codes', 'phone')).to.deep.equal(['+77010000002', '+77010000003']);
    expect(await ids('auth_sessions')).to.have.members([
      revokedRecent.session,
      expiredRecent.session,
      active.session,
      bareNew.session,
    ]);
    expect(await ids('auth_sessions')).to.have.length(4);
    for (const gone of [revokedOld, expiredOld, bareOld]) {
      expect(await ids('auth_sessions')).not.to.include(gone.session);
    }
    expect(await ids('refresh_tokens')).to.have.members([
      expiredRecent.tokens[1]!,
      active.tokens[0]!,
    ]);
    expect(await ids('refresh_tokens')).to.have.length(2);

    // Nothing left to do: a second run deletes nothing.
    expect(Object.values(await pruneRowsPastRetention(deps, systemActor, {}))).to.deep.equal([
      0, 0, 0, 0, 0,
    ]);
  });

  it('when the backlog is larger than a batch, then it is deleted in several batches, all of it', async () => {
    for (let i = 0; i < 7; i += 1) await addOutbox(ago(80 * hour), ago(80 * hour));
    const kept = await addOutbox(ago(hour), ago(hour));
    const counts = await pruneRowsPastRetention(deps, systemActor, { batchSize: 2 });
    expect(counts.outbox_messages).to.equal(7);
    expect(await ids('outbox_messages')).to.deep.equal([kept]);
  });

  it('when the run is aborted, then it stops before the next batch and deletes nothing more', async () => {
    await addOutbox(ago(80 * hour), ago(80 * hour));
    const controller = new AbortController();
    controller.abort(new Error('budget spent'));
    let error: unknown;
    try {
      await pruneRowsPastRetention(deps, systemActor, { signal: controller.signal });
    } catch (e: unknown) {
      error = e;
    }
    expect((error as Error | undefined)?.message).to.equal('budget spent');
    expect(await ids('outbox_messages')).to.have.length(1);
  });

  it('when the retention settings are shorter, then they are the ones applied', async () => {
    const shortDeps = createTestDeps(
      { OUTBOX_RETENTION_HOURS: '2', SMS_RETENTION_DAYS: '1' },
      clock,
    );
    try {
      await addOutbox(ago(3 * hour), ago(3 * hour));
      const outboxKept = await addOutbox(ago(hour), ago(hour));
      await addSms('sent', ago(2 * day));
      const smsKept = await addSms('sent', ago(hour));
      const counts = await pruneRowsPastRetention(shortDeps, systemActor, {});
      expect([counts.outbox_messages, counts.sms_messages]).to.deep.equal([1, 1]);
      expect(await ids('outbox_messages')).to.deep.equal([outboxKept]);
      expect(await ids('sms_messages')).to.deep.equal([smsKept]);
    } finally {
      await closeDeps(shortDeps);
    }
  });
});

describe('maintenance: schedule and worker wiring', () => {
  let deps: AppDeps;
  let workers: Worker[] = [];
  before(() => {
    deps = createTestDeps();
  });
  beforeEach(() => resetState(deps));
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
  });
  after(() => closeDeps(deps));

  it('when two workers register the schedule at once, and again on restart, then there is one schedule and one pending run', async () => {
    const first = createQueues(deps.config.redis);
    const second = createQueues(deps.config.redis);
    try {
      await Promise.all([
        scheduleRepeatableJobs(first, deps.config),
        scheduleRepeatableJobs(second, deps.config),
      ]);
      expect(await deps.queues.maintenance.getJobSchedulersCount()).to.equal(1);
      const scheduler = await deps.queues.maintenance.getJobScheduler('maintenance.prune');
      expect(scheduler?.every).to.equal(60 * 60_000);
      expect(scheduler?.name).to.equal('maintenance.prune');
      const pending = async () => {
        const c = await deps.queues.maintenance.getJobCounts('wait', 'delayed', 'prioritized');
        return (c.wait ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
      };
      expect(await pending()).to.equal(1);

      // A restart registers again: still one schedule, same next run, one pending job.
      await scheduleRepeatableJobs(first, deps.config);
      expect(await deps.queues.maintenance.getJobSchedulersCount()).to.equal(1);
      expect((await deps.queues.maintenance.getJobScheduler('maintenance.prune'))?.next).to.equal(
        scheduler?.next,
      );
      expect(await pending()).to.equal(1);
    } finally {
      await Promise.all([closeQueues(first), closeQueues(second)]);
    }
  });

  it('when the scheduled job runs on a real worker, then the processor prunes and reports counts', async () => {
    // Published 100 hours ago: an age no use case can give a row (see addOutbox).
    await deps.db.knex('outbox_messages').insert({
      topic: 'sms.send',
      payload: JSON.stringify({ sms_message_id: 1 }),
      published_at: new Date(Date.now() - 100 * hour),
    });
    const registry = createMetricsRegistry();
    const metrics = createMaintenanceMetrics(registry);
    workers = startQueueWorkers(deps, ['maintenance'], undefined, {
      maintenance: { concurrency: 1, timeoutMs: 30_000 },
    });
    for (const worker of workers) metrics.observeWorker(worker);
    const done = new Promise<unknown>((resolve, reject) => {
      workers[0]!.once('completed', (_job, result) => resolve(result));
      workers[0]!.once('failed', (_job, err) => reject(err));
    });
    // A new schedule's first run is due at once.
    await scheduleRepeatableJobs(deps.queues, deps.config);
    expect(await done).to.deep.equal({
      outbox_messages: 1,
      sms_messages: 0,
      otp_codes: 0,
      refresh_tokens: 0,
      auth_sessions: 0,
    });
    expect(await deps.db.knex('outbox_messages').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
    await pollUntil(async () =>
      (await registry.metrics()).includes(
        'invo_maintenance_pruned_rows_total{table="outbox_messages"} 1',
      ),
    );
    expect(await registry.metrics()).to.include(
      'invo_maintenance_pruned_rows_total{table="auth_sessions"} 0',
    );
  });

  it('when the maintenance queue is consumed without its processor, then start-up fails', () => {
    expect(() => startQueueWorkers(deps, ['maintenance'], {})).to.throw(
      'no processor for jobs: maintenance.prune',
    );
  });

  it('when the payload carries anything, then it is refused (the schema is strict)', () => {
    expect(parseJobPayload('maintenance.prune', {})).to.deep.equal({});
    expect(() => parseJobPayload('maintenance.prune', { table: 'users' })).to.throw();
  });
});
