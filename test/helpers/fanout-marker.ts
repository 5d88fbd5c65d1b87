/**
 * A marker through the realtime fan-out channel, for tests that assert something did NOT
 * reach a socket: every publication before the marker is on the same Redis channel, delivered
 * in order to each node and emitted in order on each socket, so once the marker arrived, an
 * earlier emission would have arrived too. It rides as an `offer_closed` whose order id says
 * it is a marker (`isFanoutMarker`), so tests can leave it out of what they compare.
 */
import type { AppDeps } from '../../lib/deps.js';
import { lastEmittedOrderVersion, publishFanout } from '../../lib/realtime/fanout-channel.js';
import { pollUntil } from './poll-until.js';

let sent = 0;

/** Publishes a marker to `rooms`; returns its id (the `order_id` of the marker event). */
export async function sendFanoutMarker(
  deps: Pick<AppDeps, 'redis' | 'config'>,
  rooms: string[],
): Promise<string> {
  sent += 1;
  const id = `marker-${process.pid}-${sent}`;
  await publishFanout(deps.redis, deps.config.redis.prefix, [
    {
      type: 'emit',
      rooms,
      event: 'offer_closed',
      payload: { all: { offer_id: 0, order_id: id, status: 'marker' } },
    },
  ]);
  return id;
}

export const isFanoutMarker = (payload: unknown): boolean =>
  String((payload as { order_id?: unknown } | undefined)?.order_id).startsWith('marker-');

/** Until the order's versions up to `version` are published (its gate records it). */
export const untilEmitted = (
  deps: Pick<AppDeps, 'redis' | 'config'>,
  orderId: string,
  version: number,
  timeoutMs = 15_000,
) =>
  pollUntil(
    async () =>
      (await lastEmittedOrderVersion(deps.redis, deps.config.redis.prefix, orderId)) === version,
    timeoutMs,
    `version ${version} of ${orderId} to be emitted`,
  );

/**
 * Until a connection has joined `room`: a marker published before the join reaches no one,
 * so markers are sent again until one arrives (`arrived(id)` says whether it did).
 */
export const untilInRoom = (
  deps: Pick<AppDeps, 'redis' | 'config'>,
  room: string,
  arrived: (markerId: string) => boolean,
  timeoutMs = 15_000,
) =>
  pollUntil(
    async () => {
      const probe = await sendFanoutMarker(deps, [room]);
      return pollUntil(() => arrived(probe), 500, 'the probe').then(
        () => true,
        () => false,
      );
    },
    timeoutMs,
    `a marker in ${room}`,
  );
