/**
 * Dispatch outcomes, read from the database at scrape time: offers by outcome and the time
 * from an order entering matching to its first assignment. Reading the source of truth
 * (instead of counting in the engine) keeps the engine's code free of metrics, survives
 * restarts, and gives the same figure from every worker: aggregate with `max`, not `sum`.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../../db/database.js';
import {
  countOffersByStatus,
  countTimeToAssignment,
} from '../../db/repositories/dispatch-stats.repository.js';
import type { Logger } from '../logger/logger.js';
import { registerComputedMetric } from './metrics-registry.js';

export const offerOutcomes = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;

export const assignmentBucketsSeconds = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export function registerDispatchMetrics(registry: Registry, db: Db, logger?: Logger): void {
  registerComputedMetric(
    registry,
    {
      name: 'invo_dispatch_offers_total',
      help: 'Offers made to drivers, by current outcome (pending, accepted, declined, expired, cancelled)',
      type: 'counter',
      collect: async () => {
        const counts = await countOffersByStatus(db);
        return offerOutcomes.map((outcome) => ({
          labels: { outcome },
          value: counts[outcome] ?? 0,
        }));
      },
    },
    logger,
  );
  registerComputedMetric(
    registry,
    {
      name: 'invo_dispatch_time_to_assignment_seconds',
      help: 'Seconds from an order entering matching (or its creation) to its first assignment',
      type: 'histogram',
      collect: async () => {
        const stats = await countTimeToAssignment(db, assignmentBucketsSeconds);
        const name = 'invo_dispatch_time_to_assignment_seconds';
        return [
          ...stats.buckets.map((b) => ({
            name: `${name}_bucket`,
            labels: { le: b.le },
            value: b.count,
          })),
          { name: `${name}_bucket`, labels: { le: '+Inf' }, value: stats.count },
          { name: `${name}_sum`, labels: {}, value: stats.sumSeconds },
          { name: `${name}_count`, labels: {}, value: stats.count },
        ];
      },
    },
    logger,
  );
}
