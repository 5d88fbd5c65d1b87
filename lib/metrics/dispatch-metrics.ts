/**
 * Dispatch outcomes, read from the database at scrape time: offers by outcome and the time
 * from an order entering matching to its first assignment. Reading the source of truth
 * (instead of counting in the engine) keeps the engine's code free of metrics, survives
 * restarts, and gives the same figure from every worker: aggregate with `max`, not `sum`.
 *
 * The histogram is cumulative in memory behind a watermark on order event ids: each scrape
 * reads only the events since the last one (at most `assignmentEventsPerScrape`), so its
 * work follows the recent traffic, not the whole history. After a restart it counts the
 * history again from the start, that many events per scrape, until it has caught up.
 */
import type { Registry } from 'prom-client';
import type { Db } from '../../db/database.js';
import {
  countOffersByStatus,
  readFirstAssignmentsAfter,
} from '../../db/repositories/dispatch-stats.repository.js';
import type { Logger } from '../logger/logger.js';
import { registerComputedMetric } from './metrics-registry.js';

export const offerOutcomes = ['pending', 'accepted', 'declined', 'expired', 'cancelled'] as const;

export const assignmentBucketsSeconds = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

export interface AssignmentHistogramOptions {
  /** Order events read per scrape at most (the bound on a scrape's work). */
  eventsPerScrape: number;
  /** Events younger than this wait for the next scrape (see readFirstAssignmentsAfter). */
  settleSeconds: number;
}

export const defaultAssignmentHistogramOptions: AssignmentHistogramOptions = {
  eventsPerScrape: 20_000,
  settleSeconds: 60,
};

export interface CumulativeHistogram {
  /** Observations at most each bucket's bound, in the order of `assignmentBucketsSeconds`. */
  bucketCounts: number[];
  count: number;
  sum: number;
}

export const emptyHistogram = (): CumulativeHistogram => ({
  bucketCounts: assignmentBucketsSeconds.map(() => 0),
  count: 0,
  sum: 0,
});

/** Adds observations to a cumulative histogram (pure: returns the new one). */
export function observeAll(
  histogram: CumulativeHistogram,
  values: readonly number[],
): CumulativeHistogram {
  return {
    bucketCounts: histogram.bucketCounts.map(
      (n, i) => n + values.filter((v) => v <= (assignmentBucketsSeconds[i] ?? Infinity)).length,
    ),
    count: histogram.count + values.length,
    sum: values.reduce((total, v) => total + v, histogram.sum),
  };
}

/**
 * The time-to-assignment histogram's state behind its watermark. Scrapes are serialised so
 * two at once cannot count the same events twice.
 */
export function createAssignmentHistogramReader(
  db: Db,
  options: AssignmentHistogramOptions = defaultAssignmentHistogramOptions,
): () => Promise<CumulativeHistogram> {
  let histogram = emptyHistogram();
  let afterEventId = 0;
  let running: Promise<unknown> = Promise.resolve();
  const advance = async () => {
    const batch = await readFirstAssignmentsAfter(db, {
      afterEventId,
      limit: options.eventsPerScrape,
      settleSeconds: options.settleSeconds,
    });
    histogram = observeAll(histogram, batch.secondsToAssignment);
    afterEventId = batch.lastEventId;
    return histogram;
  };
  return () => {
    const next = running.then(advance, advance);
    running = next.catch(() => undefined);
    return next;
  };
}

export function registerDispatchMetrics(
  registry: Registry,
  db: Db,
  logger?: Logger,
  histogramOptions?: AssignmentHistogramOptions,
): void {
  const readAssignmentHistogram = createAssignmentHistogramReader(db, histogramOptions);
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
        const stats = await readAssignmentHistogram();
        const name = 'invo_dispatch_time_to_assignment_seconds';
        return [
          ...assignmentBucketsSeconds.map((le, i) => ({
            name: `${name}_bucket`,
            labels: { le: String(le) },
            value: stats.bucketCounts[i] ?? 0,
          })),
          { name: `${name}_bucket`, labels: { le: '+Inf' }, value: stats.count },
          { name: `${name}_sum`, labels: {}, value: stats.sum },
          { name: `${name}_count`, labels: {}, value: stats.count },
        ];
      },
    },
    logger,
  );
}
