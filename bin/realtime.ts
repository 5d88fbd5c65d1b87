/** The realtime process: Socket.IO on its own port, any number of nodes. */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { createRealtimeServer } from '../api/realtime/server.js';
import { runProcess } from '../lib/process/run-process.js';

await runProcess('realtime', async (deps, logger) => {
  const httpServer = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const realtime = createRealtimeServer(httpServer, deps);
  httpServer.listen(deps.config.realtime.port, deps.config.http.host);
  await once(httpServer, 'listening');
  logger.info({ port: deps.config.realtime.port }, 'realtime listening');
  return { stop: () => realtime.close() };
});
