/**
 * Child process of `bench:realtime` holding a share of the passengers' sockets, so that
 * receiving 5,000 clients' events does not queue up in the process that commits and times
 * (one event loop for everything measured its own backlog, not the pipeline's). Reports what
 * arrived — delivery counts and, per `order_status_changed`/`bench_ping` key, the receive
 * time on this host's wall clock — in batches every 20 ms.
 */
import { performance } from 'node:perf_hooks';
import { connectClient, whenConnected, type ClientSocket } from '../test/helpers/realtime-node.js';
import { runInPool } from './realtime-phases.js';

export type ClientHostCommand =
  { type: 'connect'; clients: { url: string; token: string }[] } | { type: 'disconnect' };

export type ClientHostReport =
  { type: 'connected' } | { type: 'received'; deliveries: number; keys: [string, number][] };

const send = (report: ClientHostReport) => process.send?.(report);
const wallNow = () => performance.timeOrigin + performance.now();

const sockets: ClientSocket[] = [];
let deliveries = 0;
let keys: [string, number][] = [];

const flush = setInterval(() => {
  if (deliveries === 0 && keys.length === 0) return;
  send({ type: 'received', deliveries, keys });
  deliveries = 0;
  keys = [];
}, 20);

process.on('message', (command: ClientHostCommand) => {
  if (command.type === 'disconnect') {
    for (const socket of sockets) socket.disconnect();
    clearInterval(flush);
    process.exit(0);
  }
  void runInPool(command.clients, 100, async ({ url, token }) => {
    const socket = connectClient(url, token);
    sockets.push(socket);
    socket.onAny(() => deliveries++);
    socket.on('order_status_changed', (p) => {
      keys.push([`${p.order_id}:${p.version}`, wallNow()]);
    });
    socket.on('bench_ping' as never, (p: { key: string }) => {
      keys.push([p.key, wallNow()]);
    });
    await whenConnected(socket);
  }).then(() => send({ type: 'connected' }));
});
