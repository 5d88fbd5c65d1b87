/**
 * Real realtime processes (`bin/realtime.ts`) for tests and benchmarks: each on a port of its
 * own (reserved by bin-process, ready once its `/healthz` answers) with the test database and
 * Redis prefix, and real socket.io-client clients connect to it.
 */
import type { ChildProcess } from 'node:child_process';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/realtime/events.js';
import { startBinProcess } from './bin-process.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeNode {
  url: string;
  process: ChildProcess;
  /** Everything it printed, for a failing test's message. */
  output(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after a bound). */
  stop(): Promise<void>;
}

export async function startRealtimeNode(env: NodeJS.ProcessEnv = {}): Promise<RealtimeNode> {
  const node = await startBinProcess('bin/realtime.ts', { env });
  return {
    url: `http://127.0.0.1:${node.port}`,
    process: node.child,
    output: node.output,
    stop: async () => {
      await node.stop();
    },
  };
}

/** A connected client (websocket only, no reconnection unless asked), or the refusal. */
export function connectClient(
  url: string,
  token: string | undefined,
  options: { reconnection?: boolean; locale?: string } = {},
): ClientSocket {
  return connect(url, {
    transports: ['websocket'],
    auth:
      token === undefined ? {} : { token, ...(options.locale ? { locale: options.locale } : {}) },
    reconnection: options.reconnection ?? false,
    forceNew: true,
  });
}

export async function whenConnected(socket: ClientSocket): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e));
  });
}

/** The handshake refusal's message (the error code), or null when it connected. */
export async function handshakeRefusal(socket: ClientSocket): Promise<string | null> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (e) => resolve(e.message));
  });
}
