/**
 * The BullMQ queues, sharing one configuration. Jobs reach them through the outbox relay
 * (lib/outbox), which applies each job's retry policy and request id.
 */
import { Queue } from 'bullmq';
import { reconnectDelayMs, type RedisSettings } from '../redis/redis.js';
import { queueNames, type QueueName } from './queue-names.js';

export type Queues = Record<QueueName, Queue>;

/** Connection options for BullMQ (it keeps its own ioredis clients). */
export function bullConnection(settings: RedisSettings): {
  url: string;
  maxRetriesPerRequest: null;
  retryStrategy: (times: number) => number;
} {
  return { url: settings.url, maxRetriesPerRequest: null, retryStrategy: reconnectDelayMs };
}

/** How soon a worker whose Redis connection failed tries to fetch jobs again. */
export const workerRunRetryDelayMs = 1000;

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
