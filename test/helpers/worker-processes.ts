/** Real worker processes (`bin/worker.ts`) for tests, on the test database and Redis prefix. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './test-env.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WorkerProcess {
  child: ChildProcess;
  /** The last lines it printed, for a failing test's message. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `bin/worker.ts` and resolves once it says it is running. */
export async function startWorkerProcess(
  overrides: NodeJS.ProcessEnv = {},
  timeoutMs = 20_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...testEnv,
      LOG_LEVEL: 'info',
      WORKER_METRICS_PORT: '0',
      ...overrides,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlive the test run, even when it ends abruptly.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const lines: string[] = [];
  let ready: () => void = () => undefined;
  const running = new Promise<void>((resolve) => (ready = resolve));
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (line.includes('"worker running"')) ready();
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`worker exited (${String(code)}) before running:\n${lines.join('\n')}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`worker not running in time:\n${lines.join('\n')}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([running, exited, timeout]);
  } catch (e: unknown) {
    // A worker that was merely slow to start must not live on, taking later tests' jobs.
    child.kill('SIGKILL');
    throw e;
  } finally {
    clearTimeout(timer);
    exited.catch(() => undefined);
  }
  return {
    child,
    output: () => lines.join('\n'),
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = once(child, 'exit');
      child.kill(signal);
      await exit;
    },
  };
}
