/**
 * Shared start-up and shutdown for the three processes: validated config, logger, deps,
 * and a graceful stop on SIGTERM/SIGINT that runs the process's own drain steps in order.
 */
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { closeDeps, createDeps, type AppDeps } from '../deps.js';
import { createLogger, type Logger } from '../logger/logger.js';

export interface RunningProcess {
  /** Stops taking work, finishes what is in flight, releases resources. */
  stop(): Promise<void>;
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e: unknown) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}

export async function runProcess(
  name: string,
  start: (deps: AppDeps, logger: Logger) => Promise<RunningProcess>,
): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel, name });
  const deps = createDeps(config, logger);
  const running = await start(deps, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    running
      .stop()
      .then(() => closeDeps(deps))
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
