/**
 * The Socket.IO server, scaled out with the Redis adapter. The handshake checks the access
 * token (auth.token or ?token=) and its session; each socket joins its own room.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { authenticateAccessToken } from '../../lib/auth/access-token.js';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { createRedis } from '../../lib/redis/redis.js';
import { personalRoom } from '../../lib/realtime/rooms.js';

export interface SocketData {
  actor: UserActor;
}

export interface RealtimeServer {
  io: Server;
  close(): Promise<void>;
}

export function createRealtimeServer(httpServer: HttpServer, deps: AppDeps): RealtimeServer {
  const pub = createRedis(deps.config.redis);
  const sub = pub.duplicate();
  const io = new Server<
    Record<string, never>,
    Record<string, never>,
    Record<string, never>,
    SocketData
  >(httpServer, {
    cors: {
      origin: deps.config.http.corsOrigins.length > 0 ? deps.config.http.corsOrigins : false,
    },
    adapter: createAdapter(pub, sub, { key: `${deps.config.redis.prefix}:socket.io` }),
  });

  io.use((socket, next) => {
    const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
    const fromQuery = socket.handshake.query.token;
    const token =
      typeof fromAuth === 'string' ? fromAuth : typeof fromQuery === 'string' ? fromQuery : '';
    if (!token) {
      next(new Error('unauthorized'));
      return;
    }
    authenticateAccessToken(deps.db.knex, deps.config.jwt, token).then(
      (actor) => {
        socket.data.actor = actor;
        next();
      },
      () => next(new Error('unauthorized')),
    );
  });

  io.on('connection', (socket) => {
    void socket.join(personalRoom(socket.data.actor));
  });

  return {
    io: io,
    close: async () => {
      await io.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
