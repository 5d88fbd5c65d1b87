/**
 * Plain WebSocket (RFC 6455) endpoints for the original Invo Taxi apps, on the realtime port
 * beside Socket.IO: `/ws/orders/{id}/`, `/ws/drivers/{id}/`, `/ws/passengers/{id}/`, token in
 * `?token=`. Connections live on this node; the fan-out subscriber hands them the same
 * messages, in the same order, as this node's Socket.IO sockets, and the session sweep drops
 * them like sockets (logout, expiry). Refusals close with 4001 (token) or 4003 (scope).
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticateWithStoredSession } from '../../lib/auth/authenticate-caller.js';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { isAppError } from '../../lib/errors/app-error.js';
import { pickLocale, type Locale } from '../../lib/i18n/messages.js';
import type { FanoutAction } from '../../lib/realtime/fanout-channel.js';
import type { ConnectedSocket } from '../../lib/realtime/find-stale-sockets.js';
import {
  followPlainRoute,
  parsePlainRoute,
  plainCloseCodes,
  plainMessage,
  PlainVersionGate,
  type PlainRoute,
} from '../../lib/realtime/plain-websocket-routes.js';
import { personalRoom } from '../../lib/realtime/rooms.js';

interface PlainConnection {
  id: string;
  ws: WebSocket;
  route: PlainRoute;
  actor: UserActor;
  token: string;
  locale: Locale;
  /** The caller's own room: a `leave` aimed at it ends a connection that follows an order. */
  personalRoom: string;
  gate: PlainVersionGate;
  /** Cleared at each heartbeat, set by any frame from the client. */
  liveness: { alive: boolean };
  /** Messages that came before the snapshot went out; sent after it, through the gate. */
  backlog: { type: string; data: unknown }[] | null;
}

export interface PlainWebSocketServer {
  /** Runs one fan-out action on this node's connections. */
  apply(action: FanoutAction): void;
  /**
   * The fan-out channel is back after a loss: each order stream is re-sent the order's
   * snapshot when it is newer than what the stream holds (a party stream has none to send).
   */
  resync(): void;
  /** The connections as the session sweep checks them. */
  list(): ConnectedSocket[];
  /** Closes the given connections: their login no longer holds. */
  drop(ids: string[]): void;
  readonly size: number;
  close(): Promise<void>;
}

/** Apps behind NATs and proxies: a silent connection is probed, a dead one let go. */
const heartbeatMs = 25_000;
const maxIncomingBytes = 4096;

function refuseHttp(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export function createPlainWebSocketServer(
  httpServer: HttpServer,
  deps: AppDeps,
  options: { socketIoPath: string },
): PlainWebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxIncomingBytes });
  const connections = new Map<string, PlainConnection>();
  /** Connections by the room they follow: a fan-out costs what its rooms hold. */
  const byRoom = new Map<string, Set<PlainConnection>>();
  const register = (connection: PlainConnection) => {
    connections.set(connection.id, connection);
    const members = byRoom.get(connection.route.room) ?? new Set<PlainConnection>();
    members.add(connection);
    byRoom.set(connection.route.room, members);
  };
  const forget = (connection: PlainConnection) => {
    connections.delete(connection.id);
    const members = byRoom.get(connection.route.room);
    members?.delete(connection);
    if (members?.size === 0) byRoom.delete(connection.route.room);
  };

  const send = (connection: PlainConnection, type: string, data?: unknown) => {
    if (connection.ws.readyState === connection.ws.OPEN)
      connection.ws.send(plainMessage(type, data));
  };

  const accept = async (ws: WebSocket, req: IncomingMessage, url: URL, route: PlainRoute) => {
    // Listening from the start: a `ping` sent while the token is checked is answered too.
    const liveness = { alive: true };
    ws.on('pong', () => (liveness.alive = true));
    ws.on('message', (raw, isBinary) => {
      liveness.alive = true;
      if (isBinary) return;
      try {
        // binaryType is the default `nodebuffer`: every message is one Buffer.
        const message = JSON.parse((raw as Buffer).toString('utf8')) as { type?: unknown };
        if (message.type === 'ping' && ws.readyState === ws.OPEN) ws.send(plainMessage('pong'));
      } catch {
        // As the original: anything but a JSON `ping` is ignored.
      }
    });
    const token = url.searchParams.get('token') ?? '';
    const locale = pickLocale(
      url.searchParams.get('locale') ?? req.headers['accept-language'],
      deps.config.defaultLocale,
    );
    if (!token) return ws.close(plainCloseCodes.unauthorized, 'unauthorized');
    let actor: UserActor;
    try {
      actor = await authenticateWithStoredSession(deps, { token });
    } catch (e: unknown) {
      if (isAppError(e)) return ws.close(plainCloseCodes.unauthorized, e.code);
      deps.logger.error({ err: e }, 'plain websocket handshake failed');
      return ws.close(plainCloseCodes.unavailable, 'service_unavailable');
    }
    const connection: PlainConnection = {
      id: randomUUID(),
      ws,
      route,
      actor,
      token,
      locale,
      personalRoom: personalRoom(actor),
      gate: new PlainVersionGate(),
      liveness,
      backlog: [],
    };
    try {
      const snapshot = await followPlainRoute(deps, actor, {
        route,
        locale,
        join: () => register(connection),
      });
      // The order's current state first, so the app starts from it; then what came while it
      // was read, minus anything the snapshot already holds.
      if (snapshot) {
        connection.gate.holdSnapshot(snapshot.id, snapshot.version);
        send(connection, 'order_update', snapshot);
      }
      const backlog = connection.backlog ?? [];
      connection.backlog = null;
      for (const { type, data } of backlog) {
        if (connection.gate.admit(type, data)) send(connection, type, data);
      }
    } catch (e: unknown) {
      forget(connection);
      if (isAppError(e)) return ws.close(plainCloseCodes.forbidden, 'not_found');
      deps.logger.error({ err: e }, 'plain websocket follow failed');
      return ws.close(plainCloseCodes.unavailable, 'service_unavailable');
    }
    ws.on('close', () => forget(connection));
    // A close that came while the follow check ran.
    if (ws.readyState !== ws.OPEN) forget(connection);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://realtime.invalid');
    if (url.pathname.startsWith(options.socketIoPath)) return; // Socket.IO's own
    const route = parsePlainRoute(url.pathname);
    if (!route) return refuseHttp(socket, 404, 'Not Found');
    socket.on('error', () => socket.destroy());
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (e) => deps.logger.debug({ err: e }, 'plain websocket error'));
      accept(ws, req, url, route).catch((e: unknown) => {
        deps.logger.error({ err: e }, 'plain websocket connection failed');
        ws.terminate();
      });
    });
  };
  httpServer.on('upgrade', onUpgrade);

  const heartbeat = setInterval(() => {
    for (const connection of connections.values()) {
      if (!connection.liveness.alive) {
        connection.ws.terminate();
        forget(connection);
        continue;
      }
      connection.liveness.alive = false;
      connection.ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  const apply = (action: FanoutAction) => {
    if (action.type === 'leave') {
      // A driver released from an order: its connection to that order ends (out of scope).
      for (const connection of [...(byRoom.get(action.room) ?? [])]) {
        if (!action.rooms.includes(connection.personalRoom)) continue;
        forget(connection);
        connection.ws.close(plainCloseCodes.forbidden, 'not_in_scope');
      }
      return;
    }
    // Each connection follows one room, so one in any of the rooms gets the message once.
    for (const room of new Set(action.rooms)) {
      for (const connection of byRoom.get(room) ?? []) {
        const payload = action.payload;
        const data = 'all' in payload ? payload.all : payload.byLocale[connection.locale];
        if (connection.backlog) connection.backlog.push({ type: action.event, data });
        else if (connection.gate.admit(action.event, data)) send(connection, action.event, data);
      }
    }
  };

  const resync = () => {
    for (const connection of connections.values()) {
      // A connection still sending its first snapshot reads the order after this anyway.
      if (connection.route.kind !== 'orders' || connection.backlog) continue;
      const { actor, route, locale } = connection;
      followPlainRoute(deps, actor, { route, locale, join: () => undefined })
        .then((snapshot) => {
          if (!snapshot || !connection.gate.admit('order_update', snapshot)) return;
          connection.gate.holdSnapshot(snapshot.id, snapshot.version);
          send(connection, 'order_update', snapshot);
        })
        .catch((e: unknown) => deps.logger.debug({ err: e }, 'plain websocket resync skipped'));
    }
  };

  return {
    apply,
    resync,
    list: () =>
      [...connections.values()].map((c) => ({ id: c.id, token: c.token, actor: c.actor })),
    drop: (ids) => {
      for (const id of ids) {
        const connection = connections.get(id);
        if (!connection) continue;
        forget(connection);
        connection.ws.close(plainCloseCodes.unauthorized, 'token_revoked');
      }
    },
    get size() {
      return connections.size;
    },
    close: async () => {
      clearInterval(heartbeat);
      httpServer.off('upgrade', onUpgrade);
      for (const connection of connections.values()) connection.ws.close(1001, 'server_shutdown');
      connections.clear();
      byRoom.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
