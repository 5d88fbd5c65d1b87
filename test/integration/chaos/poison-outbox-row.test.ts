/**
 * Chaos: outbox rows the relay can never publish (an unknown topic, a payload no schema
 * accepts, a job id BullMQ refuses). Each is dead-lettered — at once when no definition
 * accepts it, after OUTBOX_MAX_ATTEMPTS tries otherwise — and the rows behind it still flow;
 * an admin sees them in the API and in /metrics and can replay one once it is fixed.
 */
import { expect } from 'chai';
import { insertOutboxMessages } from '../../../db/repositories/outbox.repository.js';
import type { AppDeps } from '../../../lib/deps.js';
import { registerOutboxMetrics } from '../../../lib/metrics/outbox-metrics.js';
import { createMetricsRegistry } from '../../../lib/metrics/metrics-registry.js';
import { startOutboxRelay, type OutboxRelay } from '../../../lib/outbox/outbox-relay.js';
import { createUser, tokenFor } from '../../helpers/factories.js';
import { pollUntil } from '../../helpers/poll-until.js';
import { type TestApp, closeTestApp, openTestApp } from '../../helpers/test-app.js';
import { resetState } from '../../helpers/test-deps.js';

const orderId = (n: number) => `order_01J${String(n).padStart(23, '0')}`;

describe('chaos: poison outbox rows', () => {
  let deps: AppDeps;
  let relay: OutboxRelay;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp({ OUTBOX_MAX_ATTEMPTS: '3' }));
  });
  beforeEach(async () => {
    await resetState(deps);
    relay = await startOutboxRelay(
      { ...deps, databaseUrl: deps.config.databaseUrl },
      { sweepIntervalMs: 100, batchSize: 5 },
    );
  });
  afterEach(() => relay.stop());
  after(async () => {
    await closeTestApp(deps, app);
  });

  interface RowState {
    job_id: string;
    attempts: number;
    published_at: Date | null;
    dead_lettered_at: Date | null;
    last_error: string | null;
  }
  const rowState = async (jobId: string): Promise<RowState> => {
    const row = await deps.db
      .knex<RowState>('outbox_messages')
      .where({ job_id: jobId })
      .first('attempts', 'published_at', 'dead_lettered_at', 'last_error');
    if (!row) throw new Error(`no outbox row ${jobId}`);
    return { ...row, job_id: jobId };
  };

  it('when poison rows sit in front of good ones, then the good ones are published and the poison set aside, visible and replayable', async () => {
    // A queued topic (realtime changes are delivered by the relay itself, with no job id).
    const good = (n: number) => ({
      topic: 'dispatch.match-order',
      payload: { order_id: orderId(n) },
      jobId: `good-${n}`,
    });
    await insertOutboxMessages(deps.db.knex, [
      { topic: 'no.such-job', payload: { x: 1 }, jobId: 'poison-topic' },
      { topic: 'realtime.order-changed', payload: { order_id: 'nope' }, jobId: 'poison-payload' },
      // BullMQ refuses this id on every try, while Redis is perfectly up.
      { ...good(0), jobId: 'poison:id' },
      ...Array.from({ length: 12 }, (_, i) => good(i + 1)),
    ]);
    await pollUntil(async () => {
      const jobs = await Promise.all(
        Array.from({ length: 12 }, (_, i) => deps.queues.dispatch.getJob(`good-${i + 1}`)),
      );
      return jobs.every((job) => job !== undefined);
    }, 10_000);
    // The jobs are added before their batch records its failures and commits (and relay
    // lanes claim batches side by side): wait until both rows no job accepts are set aside.
    await pollUntil(async () => {
      const rows = await Promise.all(['poison-topic', 'poison-payload'].map(rowState));
      return rows.every((row) => row.dead_lettered_at !== null);
    }, 10_000);
    // No definition accepts these: set aside at the first try.
    expect((await rowState('poison-topic')).attempts).to.equal(1);
    expect((await rowState('poison-topic')).dead_lettered_at).to.not.equal(null);
    expect((await rowState('poison-payload')).dead_lettered_at).to.not.equal(null);
    // This one may yet work (it is Redis that refuses it): three tries, then set aside.
    await pollUntil(async () => (await rowState('poison:id')).dead_lettered_at !== null, 10_000);
    const refused = await rowState('poison:id');
    expect(refused.attempts).to.equal(3);
    expect(refused.published_at).to.equal(null);
    expect(refused.last_error).to.include('cannot contain');

    const registry = createMetricsRegistry();
    registerOutboxMetrics(registry, deps.db.knex);
    const metrics = await registry.metrics();
    expect(metrics).to.include('invo_outbox_dead_letters 3');
    expect(metrics).to.include('invo_outbox_owed_rows 0');

    const admin = await tokenFor(deps, await createUser(deps, 'admin'));
    const dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    const path = '/api/admin/outbox/dead-letters/';
    expect((await app.request('GET', path, { token: dispatcher })).status).to.equal(403);
    const listed = await app.request('GET', path, { token: admin });
    expect(listed.status).to.equal(200);
    expect(listed.body.count).to.equal(3);
    const byJob = new Map(
      (listed.body.results as { job_id: string; id: number }[]).map((r) => [r.job_id, r]),
    );
    expect([...byJob.keys()].sort()).to.deep.equal(['poison-payload', 'poison-topic', 'poison:id']);

    // The operator fixes the row and replays it: it is published like any other.
    const id = byJob.get('poison:id')!.id;
    await deps.db.knex('outbox_messages').where({ id }).update({ job_id: 'fixed-0' });
    const replayed = await app.request('POST', `${path}${id}/replay/`, { token: admin });
    expect(replayed.status).to.equal(202);
    await pollUntil(async () => (await deps.queues.dispatch.getJob('fixed-0')) !== undefined);
    expect((await app.request('POST', `${path}${id}/replay/`, { token: admin })).status).to.equal(
      404,
    );
  });
});
