/**
 * The one way tests start a real process (`bin/web.ts`, `bin/realtime.ts`, `bin/worker.ts`):
 * on the test database and the suite's Redis prefix, on a port reserved here (so no log text
 * is read for it), ready once its `/healthz` answers 200, stopped with SIGTERM and a bounded
 * wait before SIGKILL. Its output is kept for a failing test's message. A script meant to
 * end (a refused start, a probe) is run by `runToExit` instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './test-env.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The variable each process listens on (where its `/healthz` is served). */
const portVariables: Record<string, string> = {
  'bin/web.ts': 'PORT',
  'bin/realtime.ts': 'REALTIME_PORT',
  'bin/worker.ts': 'WORKER_METRICS_PORT',
};

export interface BinProcess {
  child: ChildProcess;
  /** Where its `/healthz` (and the web API, the realtime server or the worker's metrics) is. */
  port: number;
  /** Every line it printed, stdout and stderr. */
  lines: string[];
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (or `signal`), then waits for the exit; SIGKILL if it has not exited in time. */
  stop(signal?: NodeJS.Signals, boundMs?: number): Promise<number | null>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Children die with the test or bench process, even when it is interrupted. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A port free right now (the OS picks it; it is released at once for the child to take). */
export async function reservePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const isGone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(1000),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

function spawnOnce(script: string, env: NodeJS.ProcessEnv, port: number): BinProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  const collect = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line) lines.push(line);
    };
  };
  child.stdout.on('data', collect());
  child.stderr.on('data', collect());
  const exited = once(child, 'exit').then(([code]) => {
    children.delete(child);
    return code as number | null;
  });
  const output = () => lines.join('\n');
  return {
    child,
    port,
    lines,
    output,
    exited,
    async stop(signal = 'SIGTERM', boundMs = 20_000) {
      if (isGone(child)) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, boundMs);
      });
      await Promise.race([exited, bound]);
      clearTimeout(timer);
      if (!isGone(child)) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Starts `script` and resolves once its `/healthz` answers; rejects with its output if not. */
export async function startBinProcess(
  script: string,
  options: StartOptions = {},
): Promise<BinProcess> {
  const portVariable = portVariables[script];
  if (!portVariable) throw new Error(`no health port known for ${script}`);
  // Generous: a tsx start takes 20 s and more on a loaded 2-core machine.
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...testEnv,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      ...options.env,
    };
    const asked = Number(env[portVariable] ?? 0);
    const port = asked > 0 ? asked : await reservePort();
    env[portVariable] = String(port);
    const started = spawnOnce(script, env, port);
    let gone = false;
    void started.exited.then(() => (gone = true));
    let ready = false;
    while (!gone && !ready && Date.now() < deadline) {
      ready = await healthy(port);
      if (!ready) {
        await Promise.race([started.exited, new Promise((resolve) => setTimeout(resolve, 50))]);
      }
    }
    if (ready && !gone) return started;
    const timedOut = !gone;
    if (timedOut) await started.stop('SIGKILL');
    const output = started.output();
    // Another process took the reserved port in between: try another one.
    if (asked === 0 && output.includes('EADDRINUSE') && attempt < 3) continue;
    const why = timedOut
      ? `not healthy within ${timeoutMs} ms`
      : `exited (${String(await started.exited)})`;
    throw new Error(
      `${script} ${why} on port ${port}:\n${output.split('\n').slice(-40).join('\n')}`,
    );
  }
}

/**
 * Runs a script that is meant to end (a start refused, a migration, a probe) to its exit, on
 * the test database and prefix plus `env`: its exit code and everything it printed.
 */
export async function runToExit(
  script: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...testEnv, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  children.delete(child);
  return { code, output };
}
