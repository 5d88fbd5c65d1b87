/**
 * Listens to the fan-out channel and runs each message on this node's own sockets
 * (`io.local`): every node receives every message once, so every socket gets it once.
 * Messages are applied in the order Redis delivered them, which keeps versions in order.
 */
import type { AppDeps } from '../../lib/deps.js';
import type { Locale } from '../../lib/i18n/messages.js';
import {
  parseFanoutMessage,
  subscribeFanout,
  type FanoutAction,
} from '../../lib/realtime/fanout-channel.js';
import type { ServerEventName, ServerEventPayload } from '../../lib/realtime/events.js';
import { locales } from '../../lib/realtime/order-emissions.js';
import type { RealtimeIo } from './server.js';

export interface FanoutSubscriber {
  close(): Promise<void>;
}

type LocalOperator = ReturnType<RealtimeIo['local']['to']>;

function emitTo<E extends ServerEventName>(
  operator: LocalOperator,
  event: E,
  payload: ServerEventPayload<E>,
): void {
  // The emission union correlates event and payload; socket.io's typing cannot see that.
  (operator.emit as (event: E, payload: ServerEventPayload<E>) => boolean)(event, payload);
}

/**
 * This node's sockets in any of the rooms, split by language. Costs what the target rooms
 * hold, not what the node holds (an `except(locale room)` would walk every socket of the
 * other language on the node for every event).
 */
function localSocketsByLocale(io: RealtimeIo, rooms: string[]): Record<Locale, string[]> {
  const byLocale: Record<Locale, string[]> = { ru: [], en: [] };
  const namespace = io.of('/');
  const seen = new Set<string>();
  for (const room of rooms) {
    for (const socketId of namespace.adapter.rooms.get(room) ?? []) {
      if (seen.has(socketId)) continue;
      seen.add(socketId);
      const socket = namespace.sockets.get(socketId);
      if (socket) byLocale[socket.data.locale].push(socketId);
    }
  }
  return byLocale;
}

function applyAction(io: RealtimeIo, action: FanoutAction): void {
  switch (action.type) {
    case 'emit': {
      const payload = action.payload;
      if ('all' in payload) {
        emitTo(io.local.to(action.rooms), action.event, payload.all);
        return;
      }
      // Every socket is in the room named by its own id: one encoding per language.
      const targets = localSocketsByLocale(io, action.rooms);
      for (const locale of locales) {
        if (targets[locale].length === 0) continue;
        emitTo(io.local.to(targets[locale]), action.event, payload.byLocale[locale]);
      }
      return;
    }
    case 'leave':
      io.local.in(action.rooms).socketsLeave(action.room);
      return;
  }
}

/** Other connections of this node that take the same actions (the plain WebSocket routes). */
export interface FanoutTarget {
  apply(action: FanoutAction): void;
  /** The channel is back after a loss: bring the connections up to date by themselves. */
  resync(): void;
}

export async function startFanoutSubscriber(
  io: RealtimeIo,
  deps: Pick<AppDeps, 'config' | 'logger'>,
  others: FanoutTarget[] = [],
): Promise<FanoutSubscriber> {
  const onMessage = (raw: string) => {
    const message = parseFanoutMessage(raw);
    if (!message) {
      deps.logger.warn('unreadable realtime fan-out message ignored');
      return;
    }
    for (const action of message) {
      applyAction(io, action);
      for (const target of others) target.apply(action);
    }
  };
  // Back after a loss (a Redis restart): whatever was published meanwhile reached none of
  // this node's connections, and the version gate will not send it again. Sockets are told
  // to re-subscribe (the snapshot covers the gap); plain connections are re-sent theirs.
  const onResubscribed = () => {
    deps.logger.warn("fan-out channel back after a loss; telling this node's clients to resync");
    io.local.emit('resync', { reason: 'fanout_reconnected' });
    for (const target of others) target.resync();
  };
  const subscription = subscribeFanout(deps.config.redis, onMessage, undefined, onResubscribed);
  await subscription.ready;
  return { close: () => subscription.close() };
}
