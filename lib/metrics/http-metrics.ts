/** HTTP request rate and latency of the web process, by method, route template and status. */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface HttpMetrics {
  observe(request: { method: string; route: string; status: number; seconds: number }): void;
}

const labelNames = ['method', 'route', 'status'] as const;

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'invo_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'invo_http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by method, route template and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    observe: ({ method, route, status, seconds }) => {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
