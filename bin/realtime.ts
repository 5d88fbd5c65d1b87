/**
 * The realtime process: Socket.IO on its own port, any number of nodes. A node runs no
 * delivery jobs: the outbox relay (worker process) publishes each committed change on the
 * fan-out channel, and every node forwards the channel's messages to its own sockets, so the
 * event loops that serve the sockets do nothing else on an event's way.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createRealtimeServer } from '../api/realtime/server.js';
import { checkReadiness } from '../lib/health/readiness.js';
import { createMetricsRegistry } from '../lib/metrics/metrics-registry.js';
import { serveOperationalRequest } from '../lib/metrics/metrics-server.js';
import { registerSocketGauge } from '../lib/metrics/realtime-metrics.js';
import { startPositionWriter } from '../lib/drivers/position-writer.js';
import { runProcess } from '../lib/process/run-process.js';
import { watchRedisEpoch } from '../lib/recovery/redis-epoch.js';

await runProcess('realtime', async (deps, logger) => {
  const registry = createMetricsRegistry();
  let stopping = false;
  // Socket.IO answers its own path; /metrics and /healthz are served beside it.
  const httpServer = createServer((req, res) => {
    const readiness = () => checkReadiness(deps, stopping);
    if (
      !serveOperationalRequest(req, res, registry, deps.config.metrics.token, logger, readiness)
    ) {
      res.writeHead(404).end();
    }
  });
  const realtime = await createRealtimeServer(httpServer, deps);
  registerSocketGauge(registry, () => realtime.io.of('/').sockets.size + realtime.plain.size);
  httpServer.listen(deps.config.realtime.port, deps.config.http.host);
  await once(httpServer, 'listening');
  // Keeps the epoch key set, so a wipe is dated for the version gate (no old versions re-sent).
  const epoch = watchRedisEpoch(
    deps.redis,
    deps.config.redis.prefix,
    deps.config.recovery.epochCheckMs,
    () => {
      logger.warn('redis was emptied or restarted');
      return Promise.resolve();
    },
  );
  // `driver:location` reports land here: this node writes them to PostgreSQL too.
  const positionWriter = startPositionWriter(deps);
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.realtime.port;
  logger.info({ port }, 'realtime listening');
  return {
    stop: async () => {
      stopping = true;
      epoch.stop();
      await realtime.close();
      // After the sockets: their last reports are written before the process exits.
      await positionWriter.stop();
    },
  };
});
