/**
 * The Socket.IO server, scaled out with the Redis adapter. The handshake checks the access
 * token (auth.token or ?token=) and its session, so expired, forged and revoked tokens never
 * connect; each socket joins its own room, its session's room and its language's room, and
 * its client events go to thin handlers. Events reach sockets through the fan-out subscriber.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { authenticateAccessToken } from '../../lib/auth/access-token.js';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { isAppError } from '../../lib/errors/app-error.js';
import { pickLocale, type Locale } from '../../lib/i18n/messages.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../../lib/realtime/events.js';
import { localeRoom, personalRoom, sessionRoom } from '../../lib/realtime/rooms.js';
import { createRedis } from '../../lib/redis/redis.js';
import { startFanoutSubscriber } from './fanout-subscriber.js';
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
  close(): Promise<void>;
}

const handshakeToken = (socket: RealtimeSocket): string => {
  const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
  const fromQuery = socket.handshake.query.token;
  return typeof fromAuth === 'string' ? fromAuth : typeof fromQuery === 'string' ? fromQuery : '';
};

const handshakeLocale = (socket: RealtimeSocket, fallback: Locale): Locale => {
  const fromAuth = (socket.handshake.auth as { locale?: unknown }).locale;
  return pickLocale(
    typeof fromAuth === 'string' ? fromAuth : socket.handshake.headers['accept-language'],
    fallback,
  );
};

/** A refused handshake: the client's `connect_error` carries the code in message and data. */
const refusal = (code: string): Error => Object.assign(new Error(code), { data: { code } });

export async function createRealtimeServer(
  httpServer: HttpServer,
  deps: AppDeps,
): Promise<RealtimeServer> {
  const pub = createRedis(deps.config.redis);
  const sub = pub.duplicate();
  const io: RealtimeIo = new Server(httpServer, {
    cors: {
      origin: deps.config.http.corsOrigins.length > 0 ? deps.config.http.corsOrigins : false,
    },
    adapter: createAdapter(pub, sub, { key: `${deps.config.redis.prefix}:socket.io` }),
  });

  io.use((socket, next) => {
    const token = handshakeToken(socket);
    if (!token) {
      next(refusal('unauthorized'));
      return;
    }
    authenticateAccessToken(deps.db.knex, deps.config.jwt, token).then(
      (actor) => {
        socket.data.actor = actor;
        socket.data.locale = handshakeLocale(socket, deps.config.defaultLocale);
        next();
      },
      (e: unknown) => {
        if (!isAppError(e)) deps.logger.error({ err: e }, 'socket handshake failed');
        next(refusal(isAppError(e) ? e.code : 'service_unavailable'));
      },
    );
  });

  io.on('connection', (socket) => {
    const { actor, locale } = socket.data;
    void socket.join([personalRoom(actor), sessionRoom(actor.sessionId), localeRoom(locale)]);
    registerSocketHandlers(socket, deps);
  });

  const fanout = await startFanoutSubscriber(io, deps);

  return {
    io,
    close: async () => {
      await fanout.close();
      await io.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
