/**
 * Child process of `bench:realtime` (forked, so its clock readings do not wait on the bench
 * process's 5,000 sockets): records, per order change, when its BullMQ job was added (by the
 * relay), started and finished (the job's own timestamps), and when its
 * `order_status_changed` publication arrived on the fan-out channel (a third subscriber
 * beside the two realtime nodes). Sends them to the parent when asked.
 */
import { Queue, QueueEvents } from 'bullmq';
import { loadConfig } from '../lib/config/config.js';
import { parseFanoutMessage, subscribeFanout } from '../lib/realtime/fanout-channel.js';
import { bullOptions } from '../lib/queue/queues.js';
import { queueNames } from '../lib/queue/queue-names.js';

export interface HopRecord {
  /** The relay's `add` (job.timestamp), job start and end (worker clock, ms since epoch). */
  queuedAt?: number;
  startedAt?: number;
  finishedAt?: number;
  /** The publication's arrival on the fan-out channel. */
  publishedAt?: number;
}

const config = loadConfig(process.env);
const records = new Map<string, HopRecord>();
const record = (key: string) => {
  let r = records.get(key);
  if (!r) records.set(key, (r = {}));
  return r;
};

const sub = subscribeFanout(config.redis, (raw: string) => {
  const at = Date.now();
  for (const action of parseFanoutMessage(raw) ?? []) {
    if (action.type !== 'emit' || action.event !== 'order_status_changed') continue;
    const payload = 'all' in action.payload ? action.payload.all : action.payload.byLocale.en;
    record(`${payload.order_id}:${payload.version}`).publishedAt ??= at;
  }
});
await sub.ready;

const queue = new Queue(queueNames.realtime, bullOptions(config.redis, queueNames.realtime));
const events = new QueueEvents(queueNames.realtime, bullOptions(config.redis, queueNames.realtime));
events.on('completed', ({ jobId }) => {
  // Completed jobs are kept 1,000 deep: read each one as soon as it completes.
  void queue.getJob(jobId).then((job) => {
    const data = job?.data as { order_id?: string; version?: number } | undefined;
    if (!job || data?.order_id === undefined) return;
    const r = record(`${data.order_id}:${data.version}`);
    r.queuedAt = job.timestamp;
    r.startedAt = job.processedOn;
    r.finishedAt = job.finishedOn;
  });
});
await events.waitUntilReady();

process.on('message', (message: string) => {
  if (message === 'report') {
    process.send?.(Object.fromEntries(records));
    records.clear();
  } else if (message === 'stop') {
    void Promise.all([events.close(), queue.close(), sub.close()]).finally(() => {
      process.exit(0);
    });
  }
});
process.send?.('ready');
