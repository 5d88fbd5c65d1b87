/**
 * The small HTTP server a process without an API (the worker) uses to expose `/metrics`,
 * `/healthz` and `/readyz`; the realtime process mounts the same handler on its Socket.IO
 * HTTP server. `/readyz` reports this process's own connections (PostgreSQL, Redis).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from '../health/readiness.js';
import type { Logger } from '../logger/logger.js';
import { isMetricsScrapeAllowed } from './metrics-access.js';
import { renderMetrics } from './metrics-registry.js';

/** Answers /metrics, /healthz and /readyz; false for any other path so the caller can go on. */
export function serveOperationalRequest(
  req: IncomingMessage,
  res: ServerResponse,
  registry: Registry,
  metricsToken: string,
  logger: Logger,
  readiness?: () => Promise<ReadinessReport>,
): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/healthz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return true;
  }
  if (req.method === 'GET' && path === '/readyz' && readiness) {
    readiness().then(
      (report) =>
        res
          .writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(report)),
      () => res.writeHead(503).end(),
    );
    return true;
  }
  if (req.method !== 'GET' || path !== '/metrics') return false;
  if (!isMetricsScrapeAllowed(req.headers.authorization, metricsToken)) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"unauthorized","code":"unauthorized"}');
    return true;
  }
  renderMetrics(registry).then(
    ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
    (e: unknown) => {
      logger.error({ err: e }, 'metrics rendering failed');
      res.writeHead(500).end();
    },
  );
  return true;
}

export interface MetricsServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: {
  port: number;
  host: string;
  registry: Registry;
  token: string;
  logger: Logger;
  readiness?: () => Promise<ReadinessReport>;
}): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const { registry, token, logger, readiness } = options;
    if (!serveOperationalRequest(req, res, registry, token, logger, readiness)) {
      res.writeHead(404).end();
    }
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
