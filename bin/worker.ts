/**
 * The worker process: the outbox relay (which also delivers realtime changes to the fan-out
 * channel itself), the BullMQ processors (dispatch, SMS, maintenance, and realtime deliveries
 * the relay handed over after a failure) and the recovery loop that re-owes work lost with Redis.
 */
import { checkReadiness } from '../lib/health/readiness.js';
import { scheduleRepeatableJobs } from '../lib/jobs/schedules.js';
import { registerDispatchMetrics } from '../lib/metrics/dispatch-metrics.js';
import { createMaintenanceMetrics } from '../lib/metrics/maintenance-metrics.js';
import { createMetricsRegistry } from '../lib/metrics/metrics-registry.js';
import { startMetricsServer } from '../lib/metrics/metrics-server.js';
import { createJobMetrics, registerQueueDepths } from '../lib/metrics/queue-metrics.js';
import { registerOutboxMetrics } from '../lib/metrics/outbox-metrics.js';
import { startOutboxRelay } from '../lib/outbox/outbox-relay.js';
import { runProcess } from '../lib/process/run-process.js';
import { startRecoveryLoop } from '../lib/recovery/recovery-loop.js';
import { startQueueWorkers } from '../workers/processors.js';

await runProcess('worker', async (deps, logger) => {
  const relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
  // Each queue's worker options: lib/queue/queue-options.ts.
  const workers = startQueueWorkers(deps, ['dispatch', 'sms', 'maintenance', 'realtime']);
  // Idempotent: every worker registers the same schedules (and again after a Redis wipe). Not
  // awaited: with Redis down the call waits for it, and the rest of the worker starts meanwhile.
  void scheduleRepeatableJobs(deps.queues, deps.config).then(
    (names) => logger.info({ schedules: names }, 'repeatable jobs scheduled'),
    (e: unknown) => logger.error({ err: e }, 'scheduling repeatable jobs failed'),
  );
  const recovery = startRecoveryLoop(deps);
  let stopping = false;
  const registry = createMetricsRegistry();
  registerQueueDepths(registry, deps.queues, logger);
  registerDispatchMetrics(registry, deps.db.knex, logger);
  registerOutboxMetrics(registry, deps.db.knex, logger);
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
    readiness: () => checkReadiness(deps, stopping),
  });
  logger.info({ metricsPort: metrics.port }, 'worker running');
  return {
    stop: async () => {
      stopping = true;
      await recovery.stop();
      await relay.stop();
      // close() takes no new jobs and waits for those in flight to finish; a job cut off by
      // the force-exit timer keeps its lock until it expires and is then taken over (stalled).
      await Promise.all(workers.map((worker) => worker.close()));
      await metrics.close();
    },
  };
});
