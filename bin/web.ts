/**
 * The web process: the Koa API. Refuses to start on a missing or outdated schema; the
 * migrations run in the release step (bin/migrate.ts), not here.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpApp } from '../api/http/app.js';
import { answerParserErrors } from '../api/http/client-error.js';
import { exitUnlessSchemaCurrent } from '../lib/process/require-current-schema.js';
import { startPositionWriter } from '../lib/drivers/position-writer.js';
import { runProcess } from '../lib/process/run-process.js';

await runProcess('web', async (deps, logger) => {
  await exitUnlessSchemaCurrent(deps.config.databaseUrl, logger);
  const http = createHttpApp(deps);
  const handle = http.app.callback();
  let draining = false;
  const server = createServer((req, res) => {
    // While draining, ask keep-alive clients to reconnect (to another node).
    if (draining) res.setHeader('Connection', 'close');
    void handle(req, res);
  });
  answerParserErrors(server, deps.config.defaultLocale);
  server.listen(deps.config.http.port, deps.config.http.host);
  await once(server, 'listening');
  // Location reports land here: this process writes them (and any other's) to PostgreSQL.
  const positionWriter = startPositionWriter(deps);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.http.port;
  logger.info({ port }, 'web listening');
  return {
    stop: async () => {
      draining = true;
      http.startDraining();
      logger.info({ seconds: deps.config.shutdownDrainSeconds }, 'draining');
      await sleep(deps.config.shutdownDrainSeconds * 1000);
      // Stop accepting, let requests in flight finish, then close idle keep-alive sockets.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      // After the last request: every report accepted here is in PostgreSQL before exit.
      await positionWriter.stop();
    },
  };
});
