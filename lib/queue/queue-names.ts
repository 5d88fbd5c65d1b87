/**
 * The BullMQ queues. NEVER RENAME one once shipped: jobs already in Redis sit under these
 * names, and a renamed queue would strand them with no worker.
 */
export const queueNames = {
  dispatch: 'dispatch',
  sms: 'sms',
  realtime: 'realtime',
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];
