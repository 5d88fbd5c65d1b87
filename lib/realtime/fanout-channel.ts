/**
 * The one Redis channel every realtime node listens to. A message names the target rooms and
 * the events; each node emits them to its OWN sockets only (`io.local`), so one publication
 * reaches every socket of every node exactly once, whichever process published it (a realtime
 * node's queue worker, or the web process for a driver location).
 *
 * Order changes are published through a version gate run as one Lua script: the check "is this
 * version newer than the last one emitted for the order?" and the PUBLISH happen atomically,
 * so Redis' own ordering of publications is the per-order version order every node sees.
 *
 * Transport (lib/redis/pubsub.ts): classic Pub/Sub on one Redis, sharded Pub/Sub on a cluster.
 * The channel and every key a script checks before publishing share the hash tag
 * `{realtime}`, so on a cluster they sit on one master and the scripts stay atomic there.
 */
import type { Locale } from '../i18n/messages.js';
import {
  publishCommand,
  publishMessage,
  subscribeChannel,
  type ChannelSubscription,
} from '../redis/pubsub.js';
import { redisGroupKey, type Redis, type RedisSettings } from '../redis/redis.js';
import type { ServerEventName, ServerEventPayload } from './events.js';

/** One payload for every socket, or one per locale (text such as `status_display`). */
export type Localized<T> = { all: T } | { byLocale: Record<Locale, T> };

export type Emission = {
  [E in ServerEventName]: {
    type: 'emit';
    rooms: string[];
    event: E;
    payload: Localized<ServerEventPayload<E>>;
  };
}[ServerEventName];

export type FanoutAction =
  | Emission
  /** Sockets in `rooms` leave `room` (a driver released from an order, an offer closed). */
  | { type: 'leave'; rooms: string[]; room: string };

/** Actions run in order by every node on its own sockets. */
export type FanoutMessage = FanoutAction[];

/** The keys and the channel used together by the publishing scripts: one hash-tag group. */
const realtimeKey = (prefix: string, ...parts: string[]) =>
  redisGroupKey(prefix, 'realtime', ...parts);

export const fanoutChannel = (prefix: string): string => realtimeKey(prefix, 'fanout');

/** Last order version emitted; kept 2 days (a missing gate falls back to the job's version). */
const orderGateKey = (prefix: string, orderId: string) =>
  realtimeKey(prefix, 'order-version', orderId);
export const orderGateTtlMs = 2 * 24 * 3600 * 1000;

export async function publishFanout(
  redis: Redis,
  prefix: string,
  message: FanoutMessage,
): Promise<void> {
  await publishMessage(redis, fanoutChannel(prefix), JSON.stringify(message));
}

/**
 * Listens to the fan-out channel on a connection of its own (re-subscribed by itself after a
 * reconnect or a failover); `onMessage` gets each raw message in Redis' order, and
 * `onResubscribed` is called when the channel is live again after a reconnect (what was
 * published meanwhile never reached this subscriber).
 */
export function subscribeFanout(
  settings: RedisSettings,
  onMessage: (raw: string) => void,
  onError?: (e: unknown) => void,
  onResubscribed?: () => void,
): ChannelSubscription {
  return subscribeChannel(
    settings,
    fanoutChannel(settings.prefix),
    onMessage,
    onError,
    onResubscribed,
  );
}

export function parseFanoutMessage(raw: string): FanoutMessage | null {
  try {
    const message = JSON.parse(raw) as unknown;
    if (Array.isArray(message)) return message as FanoutMessage;
  } catch {
    // A foreign or corrupt message on our channel: ignore it rather than crash the node.
  }
  return null;
}

/** The last version emitted for the order, or null when none is recorded. */
export async function lastEmittedOrderVersion(
  redis: Redis,
  prefix: string,
  orderId: string,
): Promise<number | null> {
  const raw = await redis.get(orderGateKey(prefix, orderId));
  return raw === null ? null : Number(raw);
}

/** The last version emitted for each order (null where none is recorded), in one MGET. */
export async function lastEmittedOrderVersions(
  redis: Redis,
  prefix: string,
  orderIds: readonly string[],
): Promise<(number | null)[]> {
  if (orderIds.length === 0) return [];
  // One hash-tag group: a single slot on a cluster too.
  const raws = await redis.mget(...orderIds.map((id) => orderGateKey(prefix, id)));
  return raws.map((raw) => (raw === null ? null : Number(raw)));
}

/** The scripts' text, with the deployment's publish command (`PUBLISH` or `SPUBLISH`). */
const gatedPublishScript = (publish: string) => `
local last = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
local top = last
local published = 0
for i = 3, #ARGV, 2 do
  local version = tonumber(ARGV[i])
  if version > last then
    redis.call('${publish}', KEYS[2], ARGV[i + 1])
    published = published + 1
    if version > top then top = version end
  end
end
if top > last then redis.call('SET', KEYS[1], top, 'PX', ARGV[2]) end
return published`;

export interface VersionedMessage {
  version: number;
  message: FanoutMessage;
}

/**
 * Publishes, in the given (ascending) order, only the messages whose version is above the
 * last one emitted for the order, and records the highest. `floorVersion` stands for the last
 * emitted version when none is recorded. Returns how many messages went out.
 */
export async function publishOrderVersions(
  redis: Redis,
  prefix: string,
  orderId: string,
  floorVersion: number,
  messages: VersionedMessage[],
): Promise<number> {
  if (messages.length === 0) return 0;
  const args = messages.flatMap((m) => [String(m.version), JSON.stringify(m.message)]);
  const published = await redis.eval(
    gatedPublishScript(publishCommand(redis)),
    2,
    orderGateKey(prefix, orderId),
    fanoutChannel(prefix),
    String(floorVersion),
    String(orderGateTtlMs),
    ...args,
  );
  return Number(published);
}

const publishOnceScript = (publish: string) => `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('${publish}', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/**
 * Publishes the message unless one with the same `onceKey` went out already (within 2 days):
 * makes a job safe to run twice (a stalled job retried) without a second emission.
 */
export async function publishFanoutOnce(
  redis: Redis,
  prefix: string,
  onceKey: string,
  message: FanoutMessage,
): Promise<boolean> {
  const published = await redis.eval(
    publishOnceScript(publishCommand(redis)),
    2,
    realtimeKey(prefix, 'once', onceKey),
    fanoutChannel(prefix),
    String(orderGateTtlMs),
    JSON.stringify(message),
  );
  return Number(published) === 1;
}
