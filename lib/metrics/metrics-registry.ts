/**
 * Prometheus registries. Each app instance (web app, worker, realtime server) owns a registry
 * for its own metrics, so tests can build several in one process; the Node.js process metrics
 * (CPU, memory, event loop, GC) are collected once per process and merged in at scrape time.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import type { Logger } from '../logger/logger.js';

let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetricsRegistry(): Registry {
  return new Registry();
}

export interface RenderedMetrics {
  contentType: string;
  body: string;
}

/** The text a scrape receives: this registry's metrics plus the process metrics. */
export async function renderMetrics(registry: Registry): Promise<RenderedMetrics> {
  const merged = Registry.merge([processMetrics(), registry]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

export interface ComputedSample {
  /** Series name when it differs from the metric's (histogram `_bucket`, `_sum`, `_count`). */
  name?: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface ComputedMetricSpec {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  collect: () => Promise<ComputedSample[]>;
}

/**
 * A metric whose whole value is read from the source of truth (the database) at scrape time,
 * instead of being counted in memory. prom-client's own classes can only count in memory, so
 * this registers the minimal object its registry reads (`name`, `help`, `type`, `get`).
 * A failed read drops the metric from that scrape (and logs) rather than failing the scrape.
 */
export function registerComputedMetric(
  registry: Registry,
  spec: ComputedMetricSpec,
  logger?: Logger,
): void {
  const metric = {
    name: spec.name,
    help: spec.help,
    type: spec.type,
    aggregator: 'max',
    get: async () => {
      let samples: ComputedSample[] = [];
      try {
        samples = await spec.collect();
      } catch (e: unknown) {
        logger?.warn({ err: e, metric: spec.name }, 'metric collection failed');
      }
      return {
        name: spec.name,
        help: spec.help,
        type: spec.type,
        aggregator: 'max',
        values: samples.map((s) => ({ metricName: s.name, labels: s.labels, value: s.value })),
      };
    },
  };
  registry.registerMetric(metric as unknown as Metric);
}
