import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import { expect } from 'chai';
import sinon from 'sinon';
import { systemActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { queueSms } from '../../lib/sms/queue-sms.js';
import { sendSmsMessage } from '../../lib/sms/send-sms-message.js';
import { SmsDeliveryError } from '../../lib/sms/sms-provider.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { createTestDeps, closeDeps, resetState } from '../helpers/test-deps.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { pollFor } from '../helpers/poll-until.js';

/** The SMS work is done by queue jobs: wait for what they leave behind. */
const waitFor = <T>(probe: () => Promise<T | undefined>, what = 'the SMS job') =>
  pollFor(probe, 10_000, what);

describe('OTP SMS delivery through the queue to an HTTP gateway', () => {
  let gateway: Server;
  let received: URL[];
  let answers: number[];
  let deps: AppDeps;
  let app: TestApp;
  let relay: OutboxRelay;
  let workers: Worker[];

  before(async () => {
    received = [];
    answers = [];
    gateway = createServer((req, res) => {
      received.push(new URL(req.url ?? '/', 'http://gateway'));
      res.statusCode = answers.shift() ?? 200;
      res.end(res.statusCode === 200 ? 'OK' : 'no');
    });
    gateway.listen(0, '127.0.0.1');
    await once(gateway, 'listening');
    const port = (gateway.address() as AddressInfo).port;
    ({ deps, app } = await openTestApp({
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: `http://127.0.0.1:${port}/send?login=demo&to={phone}&text={text}`,
      SMS_HTTP_TIMEOUT_MS: '3000',
    }));
    await resetState(deps);
    relay = await startOutboxRelay(
      { ...deps, databaseUrl: deps.config.databaseUrl },
      { sweepIntervalMs: 200 },
    );
    workers = startQueueWorkers(deps, ['sms'], undefined, { sms: { timeoutMs: 5000 } });
  });
  beforeEach(() => {
    received = [];
    answers = [];
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    await relay.stop();
    await resetState(deps);
    await closeTestApp(deps, app);
    gateway.closeAllConnections();
    gateway.close();
  });

  const smsRow = (phoneMasked: string) =>
    deps.db.knex('sms_messages').where({ phone_masked: phoneMasked }).orderBy('id', 'desc').first();

  it('when a code is requested, then the worker sends it and the code from the SMS logs in', async () => {
    const phone = '+77015551111';
    const requested = await app.request('POST', '/api/auth/phone-login/', {
      body: { phone: '8 701 555 11 11' },
      headers: { 'accept-language': 'en' },
    });
    expect(requested.status).to.equal(200);

    const sms = await waitFor(() =>
      Promise.resolve(received.find((url) => url.pathname === '/send')),
    );
    expect(sms.searchParams.get('to')).to.equal(phone);
    expect(sms.searchParams.get('login')).to.equal('demo');
    const code = /\b(\d{6})\b/.exec(sms.searchParams.get('text') ?? '')?.[1];
    expect(code).to.match(/^\d{6}$/);

    const row = await waitFor(async () => {
      const r = await smsRow('+7701*****11');
      return r?.status === 'sent' ? r : undefined;
    });
    expect(row.payload_encrypted).to.equal(null);
    expect(row.sent_at).to.be.instanceOf(Date);
    expect(row.attempts).to.equal(1);

    const login = await app.request('POST', '/api/auth/verify-otp/', { body: { phone, code } });
    expect(login.status).to.equal(200);
    expect(login.body.user.phone).to.equal(phone);
  });

  it('when the gateway answers 503 once, then the job retries with backoff and the SMS goes out', async () => {
    answers = [503];
    await app.request('POST', '/api/auth/phone-login/', { body: { phone: '+77015552222' } });
    const row = await waitFor(async () => {
      const r = await smsRow('+7701*****22');
      return r?.status === 'sent' ? r : undefined;
    });
    expect(received).to.have.length(2);
    expect(row.attempts).to.equal(2);
    expect(row.payload_encrypted).to.equal(null);
  });

  it('when the gateway answers 400, then the SMS is given up at once and its payload wiped', async () => {
    answers = [400];
    await app.request('POST', '/api/auth/phone-login/', { body: { phone: '+77015553333' } });
    const row = await waitFor(async () => {
      const r = await smsRow('+7701*****33');
      return r?.status === 'failed' ? r : undefined;
    });
    expect(row.payload_encrypted).to.equal(null);
    expect(row.last_error).to.equal('SMS gateway answered 400');
    const job = await deps.queues.sms.getJob(`sms-${row.id}`);
    expect(await job?.getState()).to.equal('failed');
    expect(job?.attemptsMade).to.equal(1);
    expect(received).to.have.length(1);
  });
});

describe('sendSmsMessage with a faked provider', () => {
  let deps: AppDeps;
  let provider: { send: sinon.SinonStub };

  before(() => {
    deps = createTestDeps();
  });
  beforeEach(async () => {
    await resetState(deps);
    provider = { send: sinon.stub().resolves() };
  });
  after(async () => {
    await closeDeps(deps);
  });

  const queue = (expiresAt: Date | null) =>
    deps.db.transaction((trx) =>
      queueSms(trx, deps.config.jwt.secret, {
        phone: '+77015554444',
        text: 'Invo: 123456',
        purpose: 'otp',
        expiresAt,
      }),
    );
  const send = (id: number, isFinalAttempt = false) =>
    sendSmsMessage({ ...deps, smsProvider: provider }, systemActor, {
      smsMessageId: id,
      signal: new AbortController().signal,
      isFinalAttempt,
    });
  const row = (id: number) => deps.db.knex('sms_messages').where({ id }).first();

  it('when sent twice, then the provider is called once', async () => {
    const id = await queue(null);
    expect(await send(id)).to.equal('sent');
    expect(await send(id)).to.equal('sent');
    expect(provider.send.callCount).to.equal(1);
    expect(provider.send.firstCall.args.slice(0, 2)).to.deep.equal([
      '+77015554444',
      'Invo: 123456',
    ]);
  });

  it('when the message has expired before sending, then it is not sent and is wiped', async () => {
    const id = await queue(new Date(Date.now() - 1000));
    expect(await send(id)).to.equal('expired');
    expect(provider.send.called).to.equal(false);
    expect(await row(id)).to.include({ status: 'expired', payload_encrypted: null });
  });

  it('when a retryable failure is not the last try, then the message stays pending', async () => {
    provider.send.rejects(new SmsDeliveryError('SMS gateway answered 502', true));
    const id = await queue(null);
    const error = await send(id).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SmsDeliveryError);
    const stored = await row(id);
    expect(stored).to.include({ status: 'pending', attempts: 1 });
    expect(stored.payload_encrypted).to.be.a('string');
  });

  it('when the last try fails, then the message is failed and wiped', async () => {
    provider.send.rejects(new SmsDeliveryError('SMS gateway answered 502', true));
    const id = await queue(null);
    await send(id, true).catch(() => undefined);
    expect(await row(id)).to.include({ status: 'failed', payload_encrypted: null, attempts: 1 });
  });

  it('when the payload was sealed with another secret, then it fails for good', async () => {
    const id = await queue(null);
    const rotated = { ...deps.config.jwt, secret: 'rotated-secret-0123456789-0123456789' };
    const error = await sendSmsMessage(
      { ...deps, config: { ...deps.config, jwt: rotated }, smsProvider: provider },
      systemActor,
      { smsMessageId: id, signal: new AbortController().signal, isFinalAttempt: false },
    ).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SmsDeliveryError);
    expect((error as SmsDeliveryError).retryable).to.equal(false);
    expect(provider.send.called).to.equal(false);
    expect(await row(id)).to.include({ status: 'failed', payload_encrypted: null });
  });

  it('when the message does not exist, then nothing is sent', async () => {
    expect(await send(999)).to.equal('missing');
    expect(provider.send.called).to.equal(false);
  });
});
