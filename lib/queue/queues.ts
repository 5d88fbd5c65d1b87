/**
 * The BullMQ queues, sharing one configuration. Jobs reach them through the outbox relay
 * (lib/outbox), which applies each job's retry policy and request id.
 *
 * Key layout: on one Redis, `<prefix>:bull:<queue>:…` as always. On a cluster every key of a
 * queue must share one slot (BullMQ's scripts touch several at once), so each queue's prefix
 * carries the queue as its hash tag, `<prefix>:bull:{<queue>}`: one queue per slot, and the
 * queues spread over the masters.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import {
  createQueueClusterClient,
  isClusterClient,
  isClusterSettings,
  reconnectDelayMs,
  redisGroupKey,
  redisKey,
  type RedisSettings,
} from '../redis/redis.js';
import { defaultJobOptions } from './queue-options.js';
import { queueNames, type QueueName } from './queue-names.js';

export { workerRunRetryDelayMs } from './queue-options.js';

export type Queues = Record<QueueName, Queue>;

/**
 * A connection for one BullMQ Queue, Worker or QueueEvents. One Redis: options, and BullMQ
 * keeps its own clients. A cluster: a Cluster client of its own, which BullMQ shares but does
 * not close: hand it to `releaseBullConnection` after closing what uses it.
 */
export function bullConnection(settings: RedisSettings): ConnectionOptions {
  if (isClusterSettings(settings)) {
    return createQueueClusterClient(settings);
  }
  return { url: settings.url, maxRetriesPerRequest: null, retryStrategy: reconnectDelayMs };
}

/** Closes a cluster connection made by `bullConnection` (options need nothing). */
export function releaseBullConnection(connection: ConnectionOptions | undefined): void {
  if (isClusterClient(connection)) connection.disconnect();
}

/** The BullMQ key prefix of `queue` (BullMQ names its keys `<this prefix>:<queue>:…`). */
export const bullPrefix = (settings: RedisSettings, queue: string): string =>
  isClusterSettings(settings)
    ? redisGroupKey(redisKey(settings.prefix, 'bull'), queue)
    : redisKey(settings.prefix, 'bull');

/** Connection and prefix for a Queue, Worker or QueueEvents of `queue`. */
export const bullOptions = (
  settings: RedisSettings,
  queue: string,
): { connection: ConnectionOptions; prefix: string } => ({
  connection: bullConnection(settings),
  prefix: bullPrefix(settings, queue),
});

export function createQueues(settings: RedisSettings): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, { ...bullOptions(settings, name), defaultJobOptions });
    // Connection errors surface to callers as failed add() calls (the outbox keeps the row);
    // the event itself only needs a listener so it is not thrown as unhandled.
    queue.on('error', () => undefined);
    return queue;
  };
  return {
    dispatch: make(queueNames.dispatch),
    sms: make(queueNames.sms),
    realtime: make(queueNames.realtime),
    maintenance: make(queueNames.maintenance),
  };
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(
    Object.values(queues).map(async (queue) => {
      await queue.close();
      releaseBullConnection(queue.opts.connection);
    }),
  );
}
