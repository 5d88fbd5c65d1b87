import { createServer, request, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { io as connectSocket } from 'socket.io-client';
import type { AppDeps } from '../../lib/deps.js';
import { matchJobId } from '../../lib/dispatch/dispatch-owed.js';
import { queueSms } from '../../lib/sms/queue-sms.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-processes.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { pollUntil } from '../helpers/poll-until.js';

const until = (check: () => Promise<boolean>, timeoutMs = 15_000) => pollUntil(check, timeoutMs);

describe('graceful shutdown on SIGTERM (real processes)', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  const workers: WorkerProcess[] = [];
  const services: ServiceProcess[] = [];
  before(() => {
    deps = createTestDeps();
  });
  beforeEach(() => resetState(deps));
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    for (const s of services.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  });
  after(() => closeDeps(deps));

  it('when a worker is stopped while orders are being dispatched and another starts, then every order is offered exactly once and no job runs twice', async () => {
    const orderCount = 12;
    const region = await createRegion(deps);
    const { passenger } = await createPassenger(deps, region.id);
    // One driver more than orders: the marker order after the take-over gets one too.
    for (let i = 0; i <= orderCount; i += 1) await placeDriver(deps, region.id, 0.5 + i * 0.2);
    const env = { DISPATCH_OFFER_TIMEOUT_SECONDS: '120' };
    const first = await startWorkerProcess(env);
    workers.push(first);

    const orderIds: string[] = [];
    const createOrders = async (count: number) => {
      for (let i = 0; i < count; i += 1) orderIds.push(await createOrderIn(deps, passenger));
    };
    const offers = async () => Number((await deps.db.knex('offers').count({ n: '*' }))[0]!.n);
    const third = orderCount / 3;
    await createOrders(third);
    await until(async () => (await offers()) >= 1);
    const firstExit = new Promise<number | null>((resolve) =>
      first.child.once('exit', (code) => resolve(code)),
    );
    first.child.kill('SIGTERM'); // mid-way: jobs in flight, more orders arriving while it drains
    await createOrders(third);
    expect(await firstExit, first.output()).to.equal(0);
    await createOrders(third); // owed while no worker runs
    const offeredByFirst = await offers();
    expect(offeredByFirst).to.be.within(1, orderCount - third);

    // Ready means its /healthz answers; taking over means it offers what the first left owed.
    const second = await startWorkerProcess(env);
    workers.push(second);
    await until(async () => (await offers()) >= orderCount);
    // A later order through the same queue: once it is offered, a doubled job for the earlier
    // ones (queued before it) would have run too.
    await createOrders(1);
    await until(async () => (await offers()) >= orderCount + 1);
    await second.kill('SIGTERM');
    expect(second.child.exitCode).to.equal(0);

    const perOrder: { order_id: string; n: number }[] = await deps.db
      .knex('offers')
      .select('order_id')
      .count({ n: '*' })
      .groupBy('order_id');
    expect(perOrder).to.have.length(orderCount + 1);
    expect(perOrder.every((row) => Number(row.n) === 1)).to.equal(true);
    const offeredEvents = await deps.db
      .knex('order_events')
      .where({ to_status: 'offered' })
      .count({ n: '*' });
    expect(Number(offeredEvents[0]!.n)).to.equal(orderCount + 1);
    for (const orderId of orderIds) {
      const job = await deps.queues.dispatch.getJob(matchJobId(orderId, 2));
      expect(await job?.getState(), orderId).to.equal('completed');
      expect(job?.attemptsStarted, orderId).to.equal(1);
    }
  });

  it('when a worker is stopped while an SMS job is in flight, then it finishes that job before exiting and the next worker does not send it again', async () => {
    const received: string[] = [];
    // The gateway holds its answers until the test releases them (the job stays in flight).
    const held: ServerResponse[] = [];
    let holding = true;
    const answer = (res: ServerResponse) => res.writeHead(200).end('OK');
    const gateway = createServer((req, res) => {
      received.push(req.url ?? '');
      if (holding) held.push(res);
      else answer(res);
    }).listen(0, '127.0.0.1');
    await once(gateway, 'listening');
    const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    try {
      const env = {
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL_TEMPLATE: `${gatewayUrl}/send?to={phone}&text={text}`,
      };
      const first = await startWorkerProcess(env);
      workers.push(first);
      const sendSms = (text: string) =>
        deps.db.transaction((trx) =>
          queueSms(trx, deps.config.jwt.secret, {
            phone: '+77051234567',
            text,
            purpose: 'otp',
            expiresAt: null,
          }),
        );
      const smsId = await sendSms('Code 123456');
      await until(() => Promise.resolve(received.length === 1));
      const firstExit = new Promise<number | null>((resolve) =>
        first.child.once('exit', (code) => resolve(code)),
      );
      first.child.kill('SIGTERM'); // the gateway has not answered yet: the job is in flight
      // The worker is draining (its /readyz says so) before the gateway answers.
      await until(
        async () => (await fetch(`http://127.0.0.1:${first.port}/readyz`)).status === 503,
      );
      expect(first.child.exitCode, 'still finishing the job in flight').to.equal(null);
      holding = false;
      for (const res of held.splice(0)) answer(res);
      expect(await firstExit, first.output()).to.equal(0);
      const row = (await deps.db.knex('sms_messages').where({ id: smsId }).first()) as {
        status: string;
      };
      expect(row.status).to.equal('sent');

      const second = await startWorkerProcess(env);
      workers.push(second);
      // A later SMS through the same queue: once the new worker sent it, it is running and has
      // had its chance to send the first one again.
      const markerId = await sendSms('Code 654321');
      await until(async () => {
        const marker = await deps.db.knex('sms_messages').where({ id: markerId }).first();
        return (marker as { status: string } | undefined)?.status === 'sent';
      });
      await second.kill('SIGTERM');
      expect(received).to.have.length(2);
      const job = await deps.queues.sms.getJob(`sms-${smsId}`);
      expect(await job?.getState()).to.equal('completed');
      expect(job?.attemptsStarted).to.equal(1);
    } finally {
      gateway.closeAllConnections();
      gateway.close();
    }
  });

  it('when the web gets SIGTERM, then /readyz turns 503 while draining, a request in flight still gets its answer, and it exits 0', async () => {
    const web = await startServiceProcess('bin/web.ts', 'web listening', {
      PORT: '0',
      SHUTDOWN_DRAIN_SECONDS: '1',
    });
    services.push(web);
    const base = `http://127.0.0.1:${web.port}`;
    await until(async () => (await fetch(`${base}/readyz`)).status === 200);

    // A request whose body is still arriving when the signal comes. `Expect: 100-continue`
    // makes the server say when it has read the headers: from then on the request is its own.
    const body = JSON.stringify({ refresh: 'not-a-token' });
    let finishBody: () => void = () => undefined;
    let headersRead: () => void = () => undefined;
    const serverHasIt = new Promise<void>((resolve) => (headersRead = resolve));
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/api/auth/refresh/`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            expect: '100-continue',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        req.write(body.slice(0, 5));
        headersRead();
      });
      req.flushHeaders();
      finishBody = () => req.end(body.slice(5));
    });
    await serverHasIt;
    web.child.kill('SIGTERM');
    await until(async () => (await fetch(`${base}/readyz`)).status === 503);
    const draining = await fetch(`${base}/readyz`);
    expect(draining.status).to.equal(503);
    expect(((await draining.json()) as { checks: { draining: boolean } }).checks.draining).to.equal(
      true,
    );
    finishBody(); // the rest of the body arrives while the web drains
    expect(await inFlight).to.be.within(400, 499);
    expect(await web.exited).to.equal(0);
  });

  it('when the realtime node gets SIGTERM, then its sockets are closed by the server and it exits 0', async () => {
    const node = await startServiceProcess('bin/realtime.ts', 'realtime listening', {
      REALTIME_PORT: '0',
    });
    services.push(node);
    const token = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    const socket = connectSocket(`http://127.0.0.1:${node.port}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const metrics = await (await fetch(`http://127.0.0.1:${node.port}/metrics`)).text();
    expect(metrics).to.include('invo_realtime_connected_sockets 1');
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    node.child.kill('SIGTERM');
    expect(await disconnected).to.be.oneOf(['io server disconnect', 'transport close']);
    expect(await node.exited).to.equal(0);
    socket.close();
  });
});
