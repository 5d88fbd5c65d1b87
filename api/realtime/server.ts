/**
 * The Socket.IO server of one realtime node. The handshake checks the access token and its
 * session; each socket joins its own room, and its client events go to thin handlers. Events
 * from other processes reach this node's sockets through the project's own fan-out channel
 * (lib/realtime/fanout-channel.ts, fanout-subscriber.ts), not a Socket.IO adapter: each node
 * emits to its own sockets only, so the default in-memory adapter is all a node needs. A
 * periodic sweep (and the revocation channel) drops sockets whose login was revoked since.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import type { Locale } from '../../lib/i18n/messages.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/realtime/events.js';
import { personalRoom } from '../../lib/realtime/rooms.js';
import { createWriteRateLimiter } from '../../lib/security/write-rate-limit.js';
import { startFanoutSubscriber } from './fanout-subscriber.js';
import { createPlainWebSocketServer, type PlainWebSocketServer } from './plain-websocket-server.js';
import { authenticateSocket } from './handshake.js';
import { startSessionSweep } from './session-sweep.js';
import { registerSocketHandlers } from './socket-handlers.js';

export interface SocketData {
  actor: UserActor;
  locale: Locale;
}

export type RealtimeIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
export type RealtimeSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;

export interface RealtimeServer {
  io: RealtimeIo;
  /** The original apps' plain WebSocket routes (`/ws/…`), on the same port. */
  plain: PlainWebSocketServer;
  close(): Promise<void>;
}

export async function createRealtimeServer(
  httpServer: HttpServer,
  deps: AppDeps,
): Promise<RealtimeServer> {
  const io: RealtimeIo = new Server(httpServer, {
    cors: {
      origin: deps.config.http.corsOrigins.length > 0 ? deps.config.http.corsOrigins : false,
    },
    // CORS headers alone do not stop a WebSocket: a browser page from any origin could open
    // one with the user's token. Browsers always send Origin; native apps send none.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, origin === undefined || deps.config.http.corsOrigins.includes(origin));
    },
    // Other upgrade paths are the plain WebSocket routes', which refuse what is not theirs.
    destroyUpgrade: false,
  });
  const plain = createPlainWebSocketServer(httpServer, deps, { socketIoPath: io.path() });

  io.use(authenticateSocket(deps));
  const limiter = createWriteRateLimiter(
    deps.redis,
    deps.config.redis.prefix,
    deps.config.rateLimit,
  );

  io.on('connection', (socket) => {
    void socket.join(personalRoom(socket.data.actor));
    registerSocketHandlers(socket, deps, limiter);
  });

  const fanout = await startFanoutSubscriber(io, deps, [plain]);
  const sweep = startSessionSweep(io, deps, [plain]);

  return {
    io,
    plain,
    close: async () => {
      sweep.stop();
      await fanout.close();
      await plain.close();
      await io.close();
    },
  };
}
