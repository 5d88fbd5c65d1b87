/**
 * Publishing one claimed outbox row: checked against its job's schema, then delivered by the
 * relay itself (a realtime fan-out due now, with its batch's other deliveries) or added to its
 * BullMQ queue with a deterministic job id and the remaining delay.
 */
import type { OutboxRow } from '../../db/repositories/outbox.repository.js';
import { isJobName, jobDefinition } from '../jobs/registry.js';
import { withRequestId } from '../queue/job-envelope.js';
import type { Queues } from '../queue/queues.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger/logger.js';
import { withTimeout } from '../process/with-timeout.js';
import {
  isDirectTopic,
  startDirectDeliveries,
  type DeliveryDeps,
  type DirectRow,
} from './direct-delivery.js';

export type PublishDeps = DeliveryDeps & { queues: Queues; logger: Logger; config: Config };

export const outboxJobId = (row: Pick<OutboxRow, 'id' | 'job_id'>): string =>
  row.job_id ?? `outbox-${row.id}`;

const publishTimeoutMs = 3000;

/** A row no job definition accepts: publishing it again can never succeed. */
export class UnpublishableRowError extends Error {}

/** A claimed row, checked once against its job's schema: its job and payload, or why not. */
export type CheckedRow =
  | { row: OutboxRow; job: ReturnType<typeof jobDefinition>; payload: unknown; error?: never }
  | { row: OutboxRow; error: UnpublishableRowError };

export function checkRow(row: OutboxRow): CheckedRow {
  if (!isJobName(row.topic)) {
    return { row, error: new UnpublishableRowError(`unknown outbox topic ${row.topic}`) };
  }
  const job = jobDefinition(row.topic);
  try {
    return { row, job, payload: job.schema.validateSync(row.payload) };
  } catch (e: unknown) {
    return { row, error: new UnpublishableRowError(`bad payload: ${(e as Error).message}`) };
  }
}

const delayOf = (row: OutboxRow, now: Date) =>
  Math.max(0, new Date(row.available_at).getTime() - now.getTime());

/** Whether the relay delivers the row itself now (a realtime fan-out due now). */
const deliversDirectly = (row: OutboxRow, now: Date): boolean =>
  isJobName(row.topic) && isDirectTopic(row.topic) && delayOf(row, now) === 0;

export async function publishRow(
  deps: PublishDeps,
  checked: CheckedRow,
  now: Date,
  delivery: Promise<unknown> | null,
): Promise<void> {
  const { queues, config } = deps;
  if (checked.error) throw checked.error;
  const { row, job } = checked;
  if (delivery) {
    // Delivered here, inside the claim: the row is marked published only after the gated
    // PUBLISH. On any failure the topic's job takes over (its retries never give up).
    try {
      await withTimeout(publishTimeoutMs, 'direct delivery', () => delivery);
      return;
    } catch (e: unknown) {
      const err = e instanceof Error ? e.message : String(e);
      deps.logger.warn({ outboxId: row.id, topic: row.topic, err }, 'direct delivery failed');
    }
  }
  // The causing request's id rides along as the job envelope's `request_id` (logs only).
  const data = withRequestId(row.payload, row.request_id);
  // Redis down: do not hold the row locks while BullMQ waits to reconnect. A late add that
  // still lands is deduplicated by its job id when the row is published again.
  await withTimeout(publishTimeoutMs, 'queue add', () =>
    queues[job.queue].add(row.topic, data, {
      ...job.retry(config),
      jobId: outboxJobId(row),
      delay: delayOf(row, now),
    }),
  );
}

/**
 * The direct deliveries of a batch, started together (their reads shared): one per row, null
 * for a row that goes through its queue (or is unpublishable: publishRow says so).
 */
export function startBatchDeliveries(
  deps: PublishDeps,
  rows: readonly CheckedRow[],
  now: Date,
): (Promise<unknown> | null)[] {
  const direct = rows.flatMap((checked, i) =>
    checked.error || !deliversDirectly(checked.row, now)
      ? []
      : [{ i, row: { topic: checked.row.topic, payload: checked.payload } as DirectRow }],
  );
  const started = startDirectDeliveries(
    deps,
    direct.map((d) => d.row),
  );
  // Settled by publishRow; until then a failure must not count as unhandled.
  for (const delivery of started) delivery.catch(() => undefined);
  const byRow = new Map(direct.map((d, k) => [d.i, started[k]!]));
  return rows.map((_, i) => byRow.get(i) ?? null);
}
