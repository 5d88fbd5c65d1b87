/** Rows the housekeeping job deleted, per table, counted from the results of this process's runs. */
import type { Worker } from 'bullmq';
import { Counter, type Registry } from 'prom-client';
import { prunedTables } from '../maintenance/prune.js';

export interface MaintenanceMetrics {
  observeWorker(worker: Worker): void;
}

export function createMaintenanceMetrics(registry: Registry): MaintenanceMetrics {
  const pruned = new Counter({
    name: 'invo_maintenance_pruned_rows_total',
    help: 'Rows deleted by maintenance.prune runs in this process, by table',
    labelNames: ['table'],
    registers: [registry],
  });
  // Every table shows up at 0 from the start, so a rate over it is defined before a first run.
  for (const table of prunedTables) pruned.inc({ table }, 0);
  return {
    observeWorker(worker) {
      worker.on('completed', (job, result: unknown) => {
        if (job.name !== 'maintenance.prune' || typeof result !== 'object' || result === null) {
          return;
        }
        const counts = result as Record<string, unknown>;
        for (const table of prunedTables) {
          const count = counts[table];
          if (typeof count === 'number' && count > 0) pruned.inc({ table }, count);
        }
      });
    },
  };
}
