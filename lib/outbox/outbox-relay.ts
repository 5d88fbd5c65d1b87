/**
 * Turns committed outbox rows into BullMQ jobs. Woken by PostgreSQL NOTIFY at commit (no
 * polling delay), with a slow sweep as a safety net for missed notifications and for rows
 * written while Redis was down. Any number of relays may run: rows are claimed with SKIP
 * LOCKED, and each job has a deterministic id, so a row published twice (crash between the
 * add and the commit) is deduplicated by BullMQ.
 */
import type { Database } from '../../db/database.js';
import {
  claimUnpublishedOutbox,
  markOutboxPublished,
  recordOutboxFailure,
  type OutboxRow,
} from '../../db/repositories/outbox.repository.js';
import { listenForNotifications } from '../../db/repositories/notifications.js';
import type { Logger } from '../logger/logger.js';
import { isJobName, jobQueue, jobRetryOptions } from '../queue/catalogue.js';
import { withRequestId } from '../queue/job-envelope.js';
import type { Queues } from '../queue/queues.js';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';

export interface OutboxRelayOptions {
  batchSize?: number;
  sweepIntervalMs?: number;
}

export interface OutboxRelay {
  /** Publishes everything owed now; resolves with the number of rows published. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

interface RelayDeps {
  db: Database;
  queues: Queues;
  logger: Logger;
  clock: Clock;
  databaseUrl: string;
  /** For each job's retry policy (lib/queue/catalogue.ts). */
  config: Config;
}

export const outboxJobId = (row: Pick<OutboxRow, 'id' | 'job_id'>): string =>
  row.job_id ?? `outbox-${row.id}`;

const publishTimeoutMs = 3000;

async function publishRow(
  queues: Queues,
  row: OutboxRow,
  now: Date,
  config: Config,
): Promise<void> {
  if (!isJobName(row.topic)) throw new Error(`unknown outbox topic ${row.topic}`);
  const delay = Math.max(0, new Date(row.available_at).getTime() - now.getTime());
  // The causing request's id rides along as the job envelope's `request_id` (logs only).
  const data = withRequestId(row.payload, row.request_id);
  const add = queues[jobQueue[row.topic]].add(row.topic, data, {
    ...jobRetryOptions(row.topic, config),
    jobId: outboxJobId(row),
    delay,
  });
  // Redis down: do not hold the row locks while BullMQ waits to reconnect. A late add that
  // still lands is deduplicated by its job id when the row is published again.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('queue add timed out')), publishTimeoutMs);
  });
  try {
    await Promise.race([add, timeout]);
  } finally {
    clearTimeout(timer);
    add.catch(() => undefined);
  }
}

/** Publishes one batch inside a transaction; returns how many rows it published. */
async function publishBatch(deps: RelayDeps, batchSize: number): Promise<number> {
  return deps.db.transaction(async (trx) => {
    const rows = await claimUnpublishedOutbox(trx, batchSize);
    // All adds are issued at once and travel pipelined on BullMQ's connection, in row order:
    // one round trip's wait per batch instead of one per row (the relay's throughput bound).
    const now = deps.clock.now();
    const results = await Promise.allSettled(
      rows.map((row) => publishRow(deps.queues, row, now, deps.config)),
    );
    const published: number[] = [];
    for (const [i, result] of results.entries()) {
      const row = rows[i]!;
      if (result.status === 'fulfilled') {
        published.push(row.id);
        continue;
      }
      // Keep the order of what is owed: stop at the first failure and retry later (later rows
      // whose add landed anyway are deduplicated by their job id then).
      const e: unknown = result.reason;
      const message = e instanceof Error ? e.message : String(e);
      await recordOutboxFailure(trx, [row.id], message);
      deps.logger.warn({ outboxId: row.id, err: message }, 'outbox publish failed');
      break;
    }
    await markOutboxPublished(trx, published);
    return published.length;
  });
}

export async function startOutboxRelay(
  deps: RelayDeps,
  options: OutboxRelayOptions = {},
): Promise<OutboxRelay> {
  const batchSize = options.batchSize ?? 200;
  const sweepIntervalMs = options.sweepIntervalMs ?? 2000;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;

  const drain = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        for (;;) {
          const count = await publishBatch(deps, batchSize);
          total += count;
          if (count < batchSize) break;
        }
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const kick = () => {
    if (stopped) return;
    drain().catch((e: unknown) => deps.logger.warn({ err: e }, 'outbox relay drain failed'));
  };

  const listener = await listenForNotifications(deps.databaseUrl, 'outbox_messages', kick, (e) =>
    deps.logger.warn({ err: e }, 'outbox listener error; the sweep keeps the relay going'),
  );
  const sweep = setInterval(kick, sweepIntervalMs);
  sweep.unref();
  kick();

  return {
    drain,
    stop: async () => {
      stopped = true;
      clearInterval(sweep);
      await listener.close();
      if (running) await running.catch(() => 0);
    },
  };
}
