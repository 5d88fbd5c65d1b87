/** The worker process: the outbox relay and the BullMQ processors (dispatch, SMS). */
import { startOutboxRelay } from '../lib/outbox/outbox-relay.js';
import { runProcess } from '../lib/process/run-process.js';
import { workerProcessors } from '../workers/index.js';
import { startQueueWorkers } from '../workers/processors.js';

await runProcess('worker', async (deps, logger) => {
  const relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  const workers = startQueueWorkers(deps, ['dispatch', 'sms'], workerProcessors, {
    dispatch: {
      concurrency: deps.config.dispatch.workerConcurrency,
      timeoutMs: deps.config.dispatch.jobTimeoutMs,
      lockMs: deps.config.dispatch.lockMs,
    },
    sms: { concurrency: 4, timeoutMs: deps.config.sms.httpTimeoutMs * 2 },
  });
  logger.info('worker running');
  return {
    stop: async () => {
      await relay.stop();
      // close() waits for jobs in flight; anything not finished is handed back as stalled.
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
});
