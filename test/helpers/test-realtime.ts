/** The real Socket.IO server in the test process on port 0, for edge tests of client events. */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createRealtimeServer, type RealtimeServer } from '../../api/realtime/server.js';
import type { AppDeps } from '../../lib/deps.js';

export interface TestRealtime {
  url: string;
  server: Server;
  realtime: RealtimeServer;
  close(): Promise<void>;
}

export async function startTestRealtime(deps: AppDeps): Promise<TestRealtime> {
  const server = createServer();
  const realtime = await createRealtimeServer(server, deps);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    realtime,
    close: async () => {
      await realtime.close();
      server.closeAllConnections();
    },
  };
}
