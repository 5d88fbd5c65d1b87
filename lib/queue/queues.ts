/**
 * BullMQ queues of the catalogue, sharing one configuration. Jobs reach them through the
 * outbox relay (lib/outbox), which applies each job's retry policy and request id.
 */
import { Queue } from 'bullmq';
import type { RedisSettings } from '../redis/redis.js';
import { queueNames, type QueueName } from './catalogue.js';

export type Queues = Record<QueueName, Queue>;

/** Connection options for BullMQ (it keeps its own ioredis clients). */
export function bullConnection(settings: RedisSettings): {
  url: string;
  maxRetriesPerRequest: null;
} {
  return { url: settings.url, maxRetriesPerRequest: null };
}

/** BullMQ keys live under `{prefix}:bull:{queue}`. */
export const bullPrefix = (settings: RedisSettings): string => `${settings.prefix}:bull`;

export function createQueues(settings: RedisSettings): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, {
      connection: bullConnection(settings),
      prefix: bullPrefix(settings),
      defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
    });
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
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
