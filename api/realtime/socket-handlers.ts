/**
 * Client events: each handler parses its input, calls one lib function and acks the result,
 * `{ok: true, …}` or `{ok: false, error, code, fields?}` (the HTTP error body).
 */
import {
  driverLocationSchema,
  updateDriverLocation,
} from '../../lib/drivers/update-driver-location.js';
import { AppError, isAppError } from '../../lib/errors/app-error.js';
import type { AppDeps } from '../../lib/deps.js';
import type { Locale } from '../../lib/i18n/messages.js';
import { subscribeSchema, type AckError } from '../../lib/realtime/events.js';
import { orderRoom } from '../../lib/realtime/rooms.js';
import { subscribeToOrder } from '../../lib/realtime/subscribe-to-order.js';
import type { WriteRateLimiter } from '../../lib/security/write-rate-limit.js';
import { parseInput } from '../../lib/validation/parse-input.js';
import { errorBody } from '../http/middleware/error-handler.js';
import type { RealtimeSocket } from './server.js';

function toAckError(e: unknown, locale: Locale, deps: Pick<AppDeps, 'logger'>): AckError {
  const error = isAppError(e) ? e : new AppError('internal_error');
  if (!isAppError(e)) deps.logger.error({ err: e }, 'socket event failed');
  return { ...errorBody(error, locale), ok: false } as AckError;
}

/**
 * Runs the work and acks its result; a client that passed no callback gets nothing. The ack
 * is the last argument when it is a function: `emit('subscribe', ack)` sends no payload and
 * its callback comes first (it used to be taken for the payload, and never answered).
 */
function answer<T>(
  socket: RealtimeSocket,
  deps: Pick<AppDeps, 'logger'>,
  args: unknown[],
  work: (input: unknown) => Promise<T>,
): void {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as (result: T | AckError) => void) : undefined;
  const input = ack ? args.slice(0, -1)[0] : args[0];
  const reply = ack ?? (() => {});
  work(input).then(reply, (e: unknown) => reply(toAckError(e, socket.data.locale, deps)));
}

export function registerSocketHandlers(
  socket: RealtimeSocket,
  deps: AppDeps,
  limiter: WriteRateLimiter,
): void {
  const { actor, locale } = socket.data;
  // Client events that cost a database read or write count as writes of the user, under
  // the same per-user limit as the REST writes (shared by every node through Redis).
  const consume = () => limiter.consume({ userId: actor.userId });

  socket.on('subscribe', (...args: unknown[]) =>
    answer(socket, deps, args, async (input) => {
      const { order_id } = parseInput(subscribeSchema, input);
      await consume();
      const order = await subscribeToOrder(deps, actor, {
        orderId: order_id,
        locale,
        join: () => socket.join(orderRoom(order_id)),
      });
      return { ok: true as const, order };
    }),
  );

  // The driver's own position, as the REST location update (same checks, same index).
  socket.on('driver:location', (...args: unknown[]) =>
    answer(socket, deps, args, async (input) => {
      const point = parseInput(driverLocationSchema, input);
      await consume();
      const result = await updateDriverLocation(deps, actor, {
        driverId: actor.driverId ?? 0,
        point,
      });
      return { ok: true as const, driver: result.driver, accepted: result.accepted };
    }),
  );

  socket.on('unsubscribe', (...args: unknown[]) =>
    answer(socket, deps, args, async (input) => {
      const { order_id } = parseInput(subscribeSchema, input);
      await socket.leave(orderRoom(order_id));
      return { ok: true as const };
    }),
  );
}
