/** Real service processes (`bin/web.ts`, `bin/realtime.ts`) for tests, on the test DB and prefix. */
import { startBinProcess, type BinProcess } from './bin-process.js';

/** `port` is where the process listens (reserved for it, ready once its `/healthz` answers). */
export type ServiceProcess = BinProcess;

/**
 * Starts a bin script and resolves once its `/healthz` answers. The second argument (the log
 * line once waited for) is kept for existing callers and no longer read: readiness is /healthz.
 */
export async function startServiceProcess(
  script: string,
  _readyMessage: string,
  overrides: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  return startBinProcess(script, { env: overrides, timeoutMs });
}
