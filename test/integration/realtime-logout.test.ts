/**
 * Logout on the web drops the session's open sockets on every realtime node at once, not at
 * the next periodic sweep (set an hour away here, so only the announcement can do it).
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { createPassenger, createRegion, tokenFor } from '../helpers/factories.js';
import {
  connectClient,
  startRealtimeNode,
  whenConnected,
  type ClientSocket,
  type RealtimeNode,
} from '../helpers/realtime-node.js';
import { pollUntil } from '../helpers/poll-until.js';

describe('realtime: logout drops open sockets at once', function () {
  this.timeout(60_000);
  let deps: AppDeps;
  let app: TestApp;
  let nodes: RealtimeNode[];
  const sockets: ClientSocket[] = [];

  before(async () => {
    ({ deps, app } = await openTestApp());
    const env = { REALTIME_SESSION_CHECK_SECONDS: '3600' };
    nodes = await Promise.all([startRealtimeNode(env), startRealtimeNode(env)]);
    await resetState(deps);
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(nodes.map((node) => node.stop()));
    await closeTestApp(deps, app);
  });

  it('when a passenger logs out, then their sockets on both nodes drop within moments and another session stays', async () => {
    const region = await createRegion(deps);
    const { user } = await createPassenger(deps, region.id);
    const loggingOut = await tokenFor(deps, user);
    const otherSession = await tokenFor(deps, user);
    const later = await tokenFor(deps, user);
    const open = async (node: RealtimeNode, token: string) => {
      const socket = connectClient(node.url, token);
      sockets.push(socket);
      await whenConnected(socket);
      return socket;
    };
    const onA = await open(nodes[0]!, loggingOut);
    const onB = await open(nodes[1]!, loggingOut);
    const siblings = [await open(nodes[0]!, otherSession), await open(nodes[1]!, otherSession)];
    const laterOnBoth = [await open(nodes[0]!, later), await open(nodes[1]!, later)];

    const res = await app.request('POST', '/api/auth/logout/', { token: loggingOut, body: {} });
    expect(res.status).to.equal(200);
    await pollUntil(() => !onA.connected && !onB.connected, 5000, 'the logged-out sockets to drop');

    // A later logout through the same announcement: once its sockets drop on both nodes, each
    // node has re-checked every socket after the first logout, so a wrongly dropped sibling
    // would be gone by now.
    const second = await app.request('POST', '/api/auth/logout/', { token: later, body: {} });
    expect(second.status).to.equal(200);
    await pollUntil(
      () => laterOnBoth.every((socket) => !socket.connected),
      5000,
      'the later logout to drop its sockets',
    );
    expect(siblings.map((socket) => socket.connected)).to.deep.equal([true, true]);
  });
});
