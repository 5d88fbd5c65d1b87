/**
 * Listens to the fan-out channel and runs each message on this node's own sockets
 * (`io.local`): every node receives every message once, so every socket gets it once.
 * Messages are applied in the order Redis delivered them, which keeps versions in order.
 */
import type { AppDeps } from '../../lib/deps.js';
import type { Locale } from '../../lib/i18n/messages.js';
import {
  fanoutChannel,
  parseFanoutMessage,
  type FanoutAction,
} from '../../lib/realtime/fanout-channel.js';
import type { ServerEventName, ServerEventPayload } from '../../lib/realtime/events.js';
import { locales } from '../../lib/realtime/order-emissions.js';
import { localeRoom } from '../../lib/realtime/rooms.js';
import { createRedis } from '../../lib/redis/redis.js';
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

function applyAction(io: RealtimeIo, action: FanoutAction): void {
  switch (action.type) {
    case 'emit': {
      const payload = action.payload;
      if ('all' in payload) {
        emitTo(io.local.to(action.rooms), action.event, payload.all);
        return;
      }
      for (const locale of locales) {
        const others = locales.filter((l: Locale) => l !== locale).map(localeRoom);
        emitTo(io.local.to(action.rooms).except(others), action.event, payload.byLocale[locale]);
      }
      return;
    }
    case 'leave':
      io.local.in(action.rooms).socketsLeave(action.room);
      return;
  }
}

export async function startFanoutSubscriber(
  io: RealtimeIo,
  deps: Pick<AppDeps, 'config' | 'logger'>,
): Promise<FanoutSubscriber> {
  const channel = fanoutChannel(deps.config.redis.prefix);
  const sub = createRedis(deps.config.redis);
  sub.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const message = parseFanoutMessage(raw);
    if (!message) {
      deps.logger.warn('unreadable realtime fan-out message ignored');
      return;
    }
    for (const action of message) applyAction(io, action);
  });
  await sub.subscribe(channel);
  return {
    close: async () => {
      await sub.unsubscribe(channel).catch(() => undefined);
      sub.disconnect();
    },
  };
}
