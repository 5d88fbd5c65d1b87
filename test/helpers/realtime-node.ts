/**
 * Real realtime processes (`bin/realtime.ts`) for tests and benchmarks: each listens on a
 * free port (REALTIME_PORT=0, read back from its start-up log line) with the test database
 * and Redis prefix, and real socket.io-client clients connect to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/realtime/events.js';
import { testEnv } from './test-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeNode {
  url: string;
  process: ChildProcess;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** Children die with the test or bench process, even when it is interrupted. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function startRealtimeNode(env: NodeJS.ProcessEnv = {}): Promise<RealtimeNode> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/realtime.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ...testEnv,
      REALTIME_PORT: '0',
      HOST: '127.0.0.1',
      ...env,
      // The port is read back from the start-up line, logged at info.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`realtime node did not start: ${stderr}`)),
      20_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        if (!line.includes('realtime listening')) continue;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`realtime node exited with ${code}: ${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
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
