/**
 * A private redis-server for fault tests, on a loopback port of its own, so a test may kill
 * it, wipe it or restart it without touching the shared Redis. Data lives in a temporary
 * directory (kept across restarts, so append-only persistence can be tested), removed at
 * the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pollUntil } from './poll-until.js';

export interface PrivateRedis {
  port: number;
  url: string;
  start(options?: { appendOnly?: boolean }): Promise<void>;
  /** SIGKILL: no shutdown save, no fsync beyond what append-only already did. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.write('PING\r\n');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });

export function privateRedis(port: number): PrivateRedis {
  const dir = mkdtempSync(path.join(tmpdir(), `invo-redis-${port}-`));
  let child: ChildProcess | null = null;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    child = null;
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    async start(options = {}) {
      const appendOnly = options.appendOnly ?? false;
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          appendOnly ? 'yes' : 'no',
          '--appendfsync',
          'everysec',
          '--maxmemory-policy',
          'noeviction',
        ],
        { stdio: 'ignore' },
      );
      await pollUntil(() => answers(port), 10_000);
    },
    kill,
    async stop() {
      await kill();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
