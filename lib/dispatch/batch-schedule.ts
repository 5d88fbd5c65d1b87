/**
 * The batch rounds' tick. Every worker process calls this at start; BullMQ keeps one Job
 * Scheduler per id in Redis, so any number of workers (and restarts) yield one
 * `dispatch.batch-round` job per `DISPATCH_BATCH_WINDOW_MS`. BullMQ adds the next tick when a
 * worker takes the current one, so a worker that dies mid-round does not stop the ticks:
 * another worker runs the next one (and the round lock died with the dead worker's
 * connection). With `DISPATCH_POLICY=ranked` the schedule is removed.
 */
import type { Config } from '../config/config.js';
import type { JobPayload } from '../queue/catalogue.js';
import type { Queues } from '../queue/queues.js';

/** NEVER RENAME: the schedule lives in Redis under this id (see maintenance-schedule.ts). */
export const batchRoundSchedulerId = 'dispatch.batch-round';

export async function scheduleBatchRounds(
  queues: Pick<Queues, 'dispatch'>,
  config: Config,
): Promise<'scheduled' | 'removed'> {
  if (config.dispatch.policy !== 'batch') {
    await queues.dispatch.removeJobScheduler(batchRoundSchedulerId);
    return 'removed';
  }
  const payload: JobPayload<'dispatch.batch-round'> = {};
  await queues.dispatch.upsertJobScheduler(
    batchRoundSchedulerId,
    { every: config.dispatch.batchWindowMs },
    {
      name: 'dispatch.batch-round',
      data: payload,
      opts: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
    },
  );
  return 'scheduled';
}
