/**
 * Pub/Sub over either deployment. One server: classic PUBLISH / SUBSCRIBE. A cluster: sharded
 * Pub/Sub (SPUBLISH / SSUBSCRIBE, Redis 7): a channel lives on the master of its slot, so a
 * message crosses no cluster bus and publishing scales with the masters, where classic Pub/Sub
 * would copy every message to every node. A channel named with `redisGroupKey` shares its slot
 * with the group's keys, so a Lua script may check a key and publish in one step.
 */
import { Cluster } from 'ioredis';
import { createSubscriberRedis, type Redis, type RedisSettings } from './redis.js';

/** The command a Lua script of this deployment publishes with. */
export const publishCommand = (redis: Redis): 'PUBLISH' | 'SPUBLISH' =>
  redis instanceof Cluster ? 'SPUBLISH' : 'PUBLISH';

/** Publishes `message`; resolves with how many subscribers (of that node) received it. */
export async function publishMessage(
  redis: Redis,
  channel: string,
  message: string,
): Promise<number> {
  return Number(
    redis instanceof Cluster
      ? await redis.spublish(channel, message)
      : await redis.publish(channel, message),
  );
}

export interface ChannelSubscription {
  /** Resolves once Redis confirmed the subscription (rejects when it could not be made). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens to `channel` on a connection of its own, calling `onMessage` for each message in
 * the order Redis delivered them. The connection subscribes again by itself after a reconnect
 * (a Redis restart) or, on a cluster, after the channel's slot moved to another master.
 *
 * Messages published while the connection was away are lost to it: `onResubscribed` is called
 * once Redis has confirmed the subscription again after each reconnect (not after the first
 * connect), so the caller can tell whoever relies on those messages to catch up.
 */
export function subscribeChannel(
  settings: RedisSettings,
  channel: string,
  onMessage: (message: string) => void,
  onError: (e: unknown) => void = () => undefined,
  onResubscribed: () => void = () => undefined,
): ChannelSubscription {
  const sub = createSubscriberRedis(settings);
  sub.on('error', onError);
  let connectedBefore = false;
  sub.on('ready', () => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    // ioredis has re-sent the subscription on this reconnect; asking again is harmless and
    // its reply comes after that one, so the channel is live again when it resolves.
    const again = sub instanceof Cluster ? sub.ssubscribe(channel) : sub.subscribe(channel);
    again.then(onResubscribed, onError);
  });
  const deliver = (from: string, message: string) => {
    if (from === channel) onMessage(message);
  };
  let ready: Promise<void>;
  if (sub instanceof Cluster) {
    sub.on('smessage', deliver);
    ready = sub.ssubscribe(channel).then(() => undefined);
  } else {
    sub.on('message', deliver);
    ready = sub.subscribe(channel).then(() => undefined);
  }
  ready.catch(() => undefined);
  return {
    ready,
    close: async () => {
      const leaving = sub instanceof Cluster ? sub.sunsubscribe(channel) : sub.unsubscribe(channel);
      await leaving.catch(() => undefined);
      sub.disconnect();
    },
  };
}
