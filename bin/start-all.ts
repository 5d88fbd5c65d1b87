/**
 * `npm start`: runs web, worker and realtime together for local use, with prefixed output.
 * Runs the migrations (bin/migrate.ts, the release step) and the seed (idempotent) first, so a
 * new machine gets its database and the demo; lets the demo accounts log in with their fixed
 * codes when OTP_TEST_NUMBERS is not set, and the console (served by web) reach realtime when
 * CORS_ORIGINS is not set.
 * In production run them separately (Procfile).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { demoTestNumbers } from '../db/seeds/atyrau-demo.js';
import { loadConfigOrExit } from '../lib/process/run-process.js';

// Local use means the demo: its accounts log in with their fixed codes unless told otherwise.
if (process.env.NODE_ENV !== 'production' && process.env.OTP_TEST_NUMBERS === undefined) {
  process.env.OTP_TEST_NUMBERS = demoTestNumbers;
  process.stdout.write('Demo logins: OTP_TEST_NUMBERS set to the seeded test accounts\n');
}

// The console is served by web and talks to realtime on another port, which refuses browser
// origins that CORS_ORIGINS does not list: locally, allow the web's own origins.
if (process.env.NODE_ENV !== 'production' && process.env.CORS_ORIGINS === undefined) {
  const port = process.env.PORT ?? '3000';
  process.env.CORS_ORIGINS = `http://localhost:${port},http://127.0.0.1:${port}`;
  process.stdout.write(`Console: CORS_ORIGINS set to this machine's web origins\n`);
}

loadConfigOrExit(); // one clear refusal here rather than one per process below

const run = (script: string): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });

const migrated = await run('bin/migrate.ts');
if (migrated !== 0) process.exit(migrated);
if (process.env.SEED_ON_START !== 'false') {
  const code = await run('bin/seed.ts');
  if (code !== 0) process.exit(code);
}

const children: ChildProcess[] = [];
for (const [name, script] of [
  ['web', 'bin/web.ts'],
  ['worker', 'bin/worker.ts'],
  ['realtime', 'bin/realtime.ts'],
] as const) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', (code) => {
    process.stderr.write(`[${name}] exited with ${code}\n`);
    shutdown();
  });
  children.push(child);
}

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(0), 35_000).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
