/**
 * Which owed jobs are alive in Redis (waiting, delayed, active…). A job is known by its name
 * and payload (ids only), so the sweeper can tell whether the work a state owes is queued,
 * whatever job id it was given.
 */
import { withTimeout } from '../process/with-timeout.js';
import { splitJobEnvelope } from '../queue/job-envelope.js';
import type { Queues } from '../queue/queues.js';
import type { QueueName } from '../queue/queue-names.js';

const liveStates = ['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'] as const;

/** The same key for the same job name and payload, whatever its field order. */
export function workKey(name: string, payload: unknown): string {
  const fields =
    typeof payload === 'object' && payload !== null
      ? Object.entries(payload as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))
      : [];
  return `${name}:${JSON.stringify(fields)}`;
}

/** Redis away: fail the sweep (it runs again) rather than hold its transaction open. */
const listTimeoutMs = 10_000;

export function listLiveWork(queues: Queues, queueNames: QueueName[]): Promise<Set<string>> {
  return withTimeout(listTimeoutMs, 'listing live jobs', () => readLiveWork(queues, queueNames));
}

async function readLiveWork(queues: Queues, queueNames: QueueName[]): Promise<Set<string>> {
  const live = new Set<string>();
  for (const name of queueNames) {
    const jobs = await queues[name].getJobs([...liveStates], 0, -1);
    for (const job of jobs) {
      // A job whose hash vanished between listing and reading comes back undefined.
      if (job) live.add(workKey(job.name, splitJobEnvelope(job.data).payload));
    }
  }
  return live;
}
