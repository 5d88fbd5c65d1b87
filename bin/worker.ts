/** The worker process: the outbox relay and the BullMQ processors (dispatch, SMS, maintenance). */
import { scheduleBatchRounds } from '../lib/dispatch/batch-schedule.js';
import { scheduleMaintenance } from '../lib/maintenance/maintenance-schedule.js';
import { registerDispatchMetrics } from '../lib/metrics/dispatch-metrics.js';
import { createMaintenanceMetrics } from '../lib/metrics/maintenance-metrics.js';
import { createMetricsRegistry } from '../lib/metrics/metrics-registry.js';
import { startMetricsServer } from '../lib/metrics/metrics-server.js';
import { createJobMetrics, registerQueueDepths } from '../lib/metrics/queue-metrics.js';
import { startOutboxRelay } from '../lib/outbox/outbox-relay.js';
import { runProcess } from '../lib/process/run-process.js';
import { workerProcessors } from '../workers/index.js';
import { startQueueWorkers } from '../workers/processors.js';

await runProcess('worker', async (deps, logger) => {
  const relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  const workers = startQueueWorkers(deps, ['dispatch', 'sms', 'maintenance'], workerProcessors, {
    dispatch: {
      concurrency: deps.config.dispatch.workerConcurrency,
      timeoutMs: deps.config.dispatch.jobTimeoutMs,
      lockMs: deps.config.dispatch.lockMs,
    },
    sms: { concurrency: 4, timeoutMs: deps.config.sms.httpTimeoutMs * 2 },
    // One run at a time per process, never outlasting its period (the rest waits for the next).
    maintenance: { concurrency: 1, timeoutMs: deps.config.maintenance.intervalMinutes * 60_000 },
  });
  // Idempotent: every worker registers the same one schedule. Not awaited: with Redis down the
  // call waits for it to come back, and the rest of the worker must start meanwhile.
  void scheduleMaintenance(deps.queues, deps.config).then(
    () => logger.info({ everyMinutes: deps.config.maintenance.intervalMinutes }, 'prune scheduled'),
    (e: unknown) => logger.error({ err: e }, 'prune schedule failed'),
  );
  void scheduleBatchRounds(deps.queues, deps.config).then(
    (state) =>
      logger.info(
        { policy: deps.config.dispatch.policy, windowMs: deps.config.dispatch.batchWindowMs },
        `batch rounds ${state}`,
      ),
    (e: unknown) => logger.error({ err: e }, 'batch round schedule failed'),
  );
  const registry = createMetricsRegistry();
  registerQueueDepths(registry, deps.queues, logger);
  registerDispatchMetrics(registry, deps.db.knex, logger);
  const jobMetrics = createJobMetrics(registry);
  const maintenanceMetrics = createMaintenanceMetrics(registry);
  for (const worker of workers) {
    jobMetrics.observeWorker(worker);
    maintenanceMetrics.observeWorker(worker);
  }
  const metrics = await startMetricsServer({
    port: deps.config.metrics.workerPort,
    host: deps.config.http.host,
    registry,
    token: deps.config.metrics.token,
    logger,
  });
  logger.info({ metricsPort: metrics.port }, 'worker running');
  return {
    stop: async () => {
      await relay.stop();
      // close() takes no new jobs and waits for those in flight to finish; a job cut off by
      // the force-exit timer keeps its lock until it expires and is then taken over (stalled).
      await Promise.all(workers.map((worker) => worker.close()));
      await metrics.close();
    },
  };
});
