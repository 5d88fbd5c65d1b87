import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import type { Worker } from 'bullmq';
import type { AppDeps } from '../../lib/deps.js';
import type { AppState } from '../../api/http/context.js';
import { requestContext } from '../../api/http/middleware/request-context.js';
import { oweAll } from '../../lib/jobs/owe.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { runWithRequestId } from '../../lib/logger/request-scope.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { captureLog } from '../helpers/log-capture.js';
import { pollUntil } from '../helpers/poll-until.js';

describe('request id from the API into outbox rows, jobs and job logs', () => {
  let deps: AppDeps;
  let relay: OutboxRelay | undefined;
  let workers: Worker[] = [];
  before(() => {
    deps = createTestDeps();
  });
  beforeEach(() => resetState(deps));
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await Promise.all(workers.map((worker) => worker.close()));
    workers = [];
  });
  after(() => closeDeps(deps));

  it('when a request writes an outbox row, then the row carries the request id from x-request-id', async () => {
    const app = new Koa<AppState>();
    app.use(requestContext(deps.logger, 'en'));
    app.use(async (ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // across an await
      await oweAll(deps.db.knex, [
        { topic: 'sms.send', payload: { sms_message_id: 1 }, jobId: null },
      ]);
      ctx.body = { ok: true };
    });
    const handle = app.callback();
    const server = createServer((req, res) => void handle(req, res)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const res = await fetch(url, { headers: { 'x-request-id': 'req-from-client-42' } });
      expect(res.headers.get('x-request-id')).to.equal('req-from-client-42');
      await fetch(url); // no header: a generated id, still recorded
    } finally {
      server.close();
    }
    const rows = await deps.db.knex('outbox_messages').orderBy('id').select('request_id');
    expect(rows[0].request_id).to.equal('req-from-client-42');
    expect(rows[1].request_id).to.match(/^[0-9a-f-]{36}$/);
  });

  it('when the relay publishes the row, then the job carries it and the processor logs it, with an ids-only payload', async () => {
    const captured = captureLog('info');
    const jobDeps = { ...deps, logger: captured.logger };
    const seen: unknown[] = [];
    workers = startQueueWorkers(jobDeps, ['sms'], {
      'sms.send': async (payload, { log }) => {
        log.info('sending');
        // What a job writes carries the same id onwards.
        await oweAll(deps.db.knex, [
          { topic: 'realtime.offer-changed', payload: { offer_id: 9 }, jobId: 'follow-up' },
        ]);
        seen.push(payload);
      },
    });
    await runWithRequestId('req-chain-1234', () =>
      oweAll(deps.db.knex, [{ topic: 'sms.send', payload: { sms_message_id: 7 }, jobId: 'sms-7' }]),
    );
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
    await pollUntil(() => Promise.resolve(seen.length === 1));
    expect(seen[0]).to.deep.equal({ sms_message_id: 7 });
    const job = await deps.queues.sms.getJob('sms-7');
    expect(job?.data).to.deep.equal({ sms_message_id: 7, request_id: 'req-chain-1234' });
    const line = captured.lines().find((l) => l.msg === 'sending');
    expect(line).to.include({
      requestId: 'req-chain-1234',
      queue: 'sms',
      job: 'sms.send',
      jobId: 'sms-7',
    });
    const followUp = await deps.db.knex('outbox_messages').where({ job_id: 'follow-up' }).first();
    expect(followUp.request_id).to.equal('req-chain-1234');
  });

  it('when a job fails, then the failure is logged with its request id', async () => {
    const captured = captureLog('info');
    workers = startQueueWorkers({ ...deps, logger: captured.logger }, ['sms'], {
      'sms.send': () => Promise.reject(new Error('gateway down')),
    });
    await deps.queues.sms.add('sms.send', { sms_message_id: 3, request_id: 'req-failing-99' });
    await pollUntil(() => Promise.resolve(captured.lines().some((l) => l.msg === 'job failed')));
    expect(captured.lines().find((l) => l.msg === 'job failed')).to.include({
      requestId: 'req-failing-99',
      job: 'sms.send',
      err: 'gateway down',
    });
  });
});
