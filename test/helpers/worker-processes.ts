/** Real worker processes (`bin/worker.ts`) for tests, on the test database and Redis prefix. */
import type { ChildProcess } from 'node:child_process';
import { startBinProcess } from './bin-process.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Its metrics server's port (`/healthz`, `/readyz`, `/metrics`). */
  port: number;
  /** The lines it printed, for a failing test's message. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) and waits for the exit (SIGKILL after a bound). */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `bin/worker.ts` and resolves once its metrics server's `/healthz` answers. */
export async function startWorkerProcess(
  overrides: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<WorkerProcess> {
  const worker = await startBinProcess('bin/worker.ts', { env: overrides, timeoutMs });
  return {
    child: worker.child,
    port: worker.port,
    output: worker.output,
    async kill(signal = 'SIGTERM') {
      await worker.stop(signal);
    },
  };
}
