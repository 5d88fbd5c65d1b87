/**
 * Regression tests of issue 9 at the realtime edge: every client event acks a bounded error
 * in the contract's shape, whatever the payload, and browsers from unlisted origins are
 * refused at the handshake.
 */
import { expect } from 'chai';
import { io as connect } from 'socket.io-client';
import type { AppDeps } from '../../lib/deps.js';
import { createRegion, createPassenger } from '../helpers/factories.js';
import { tokenFor } from '../helpers/factories.js';
import {
  connectClient,
  handshakeRefusal,
  whenConnected,
  type ClientSocket,
} from '../helpers/realtime-node.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { testConfig } from '../helpers/test-env.js';
import { createDeps } from '../../lib/deps.js';
import { closeDeps, resetState } from '../helpers/test-deps.js';
import { startTestRealtime, type TestRealtime } from '../helpers/test-realtime.js';

type Ack = { ok: boolean; code?: string; error?: string; fields?: Record<string, string[]> };

const emitRaw = (socket: ClientSocket, event: string, ...args: unknown[]): Promise<Ack> =>
  (
    socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<Ack> };
    }
  )
    .timeout(5000)
    .emitWithAck(event, ...args);

describe('Realtime hardening (issue 9)', function () {
  this.timeout(30_000);
  let deps: AppDeps;
  let node: TestRealtime;
  let token: string;
  let log: CapturedLog;
  const sockets: ClientSocket[] = [];
  before(async () => {
    log = captureLog('info');
    deps = createDeps(testConfig({ RATE_LIMIT_USER_WRITES_PER_MINUTE: '0' }), log.logger);
    node = await startTestRealtime(deps);
  });
  beforeEach(async () => {
    await resetState(deps);
    const region = await createRegion(deps);
    token = await tokenFor(deps, (await createPassenger(deps, region.id)).user);
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  });
  after(async () => {
    await node.close();
    await closeDeps(deps);
  });

  const client = async () => {
    const socket = connectClient(node.url, token);
    sockets.push(socket);
    await whenConnected(socket);
    return socket;
  };

  it('when subscribe comes with no payload, then it acks validation_failed and logs no error (10)', async () => {
    const socket = await client();
    const before = log.lines().length;
    for (const event of ['subscribe', 'unsubscribe', 'driver:location']) {
      const ack = await emitRaw(socket, event);
      expect(ack, event).to.include({ ok: false, code: 'validation_failed' });
      expect(ack.error).to.be.a('string');
    }
    const errors = log
      .lines()
      .slice(before)
      .filter((line) => Number(line.level) >= 50);
    expect(errors).to.deep.equal([]);
  });

  it('when a payload is deep, huge or has prototype keys, then the ack is a small validation error (1, 3, 4)', async () => {
    const socket = await client();
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i += 1) deep = { a: deep };
    const payloads: unknown[] = [
      { order_id: deep },
      { order_id: 'x'.repeat(50_000) },
      JSON.parse('{"order_id":"a","constructor":1,"toString":2}'),
      { order_id: 'a\u0000b' },
      [1, 2, 3],
      'text',
    ];
    for (const payload of payloads) {
      const ack = await emitRaw(socket, 'subscribe', payload);
      expect(ack).to.include({ ok: false, code: 'validation_failed' });
      expect(JSON.stringify(ack).length).to.be.below(1000);
    }
  });

  it('when a browser from an origin not in CORS_ORIGINS connects, then the handshake is refused (12)', async () => {
    const foreign = connect(node.url, {
      transports: ['websocket'],
      auth: { token },
      reconnection: false,
      forceNew: true,
      extraHeaders: { origin: 'https://evil.example.com' },
    }) as ClientSocket;
    sockets.push(foreign);
    expect(await handshakeRefusal(foreign)).to.not.equal(null);
    // Native apps send no Origin and still connect.
    await client();
  });
});
