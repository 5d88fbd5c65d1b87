/**
 * Turns committed outbox rows into BullMQ jobs, or delivers them itself: the realtime fan-outs
 * run here, straight after the claim (lib/outbox/direct-delivery.ts), with their queue as the
 * retry path when a direct delivery fails. Woken by PostgreSQL NOTIFY at commit (no
 * polling delay), with a slow sweep as a safety net for missed notifications and for rows
 * written while Redis was down. Any number of relays may run: rows are claimed with SKIP
 * LOCKED, and each job has a deterministic id, so a row published twice (crash between the
 * add and the commit) is deduplicated by BullMQ.
 *
 * A relay claims up to `lanes` batches at once, so rows of different batches may go out of id
 * order: no job depends on another's order (each stands alone), and realtime deliveries are
 * put in version order by their gate, whatever order they run in.
 *
 * Each lane claims on a PostgreSQL connection of its own, outside the pool
 * (db/repositories/outbox-claims.ts): a claim never queues behind the deliveries' reads or
 * other jobs for a pooled connection, and BEGIN and COMMIT ride with the claim and the mark.
 *
 * A row that cannot be published never blocks the rows behind it: each row of a batch stands
 * alone. A failure while Redis answers is the row's own and uses one of its attempts; after
 * OUTBOX_MAX_ATTEMPTS (or at once, for a row no job definition accepts) it is dead-lettered:
 * set aside, counted in /metrics, listed and replayable under /api/admin/outbox/. A failure
 * because Redis is away uses no attempt: the row simply waits.
 */
import type { Database } from '../../db/database.js';
import {
  openOutboxClaimConnection,
  type OutboxClaimConnection,
} from '../../db/repositories/outbox-claims.js';
import { listenForNotifications } from '../../db/repositories/notifications.js';
import type { Logger } from '../logger/logger.js';
import type { Queues } from '../queue/queues.js';
import type { Clock } from '../clock/clock.js';
import type { Config } from '../config/config.js';
import { withTimeout } from '../process/with-timeout.js';
import type { Redis } from '../redis/redis.js';
import {
  checkRow,
  publishRow,
  startBatchDeliveries,
  UnpublishableRowError,
} from './publish-row.js';

export { outboxJobId } from './publish-row.js';

export interface OutboxRelayOptions {
  batchSize?: number;
  sweepIntervalMs?: number;
  /** Batches in flight at once (default: a third of the pool, 1 to 4). */
  lanes?: number;
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
  /** For each job's retry policy and the outbox attempt limit. */
  config: Config;
  /** For the deliveries the relay runs itself (the realtime fan-outs). */
  redis: Redis;
}

/** Whether Redis answers at all: tells a row's own fault from an outage. */
async function redisAnswers(queues: Queues): Promise<boolean> {
  try {
    await withTimeout(1000, 'Redis ping', () => queues.dispatch.count());
    return true;
  } catch {
    return false;
  }
}

/** Publishes one batch inside a claim transaction: how many rows it claimed and published. */
async function publishBatch(
  deps: RelayDeps,
  connection: OutboxClaimConnection,
  batchSize: number,
): Promise<{ claimed: number; published: number }> {
  const batch = await connection.claim(batchSize);
  try {
    const rows = batch.rows;
    // All adds (and direct deliveries) are issued at once and travel pipelined on the Redis
    // connections, in row order: one round trip's wait per batch instead of one per row.
    const now = deps.clock.now();
    const checked = rows.map(checkRow);
    const deliveries = startBatchDeliveries(deps, checked, now);
    const results = await Promise.allSettled(
      checked.map((row, i) => publishRow(deps, row, now, deliveries[i] ?? null)),
    );
    const published = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((r) => r.id);
    const failures = rows.flatMap((row, i) => {
      const result = results[i]!;
      return result.status === 'rejected' ? [{ row, error: result.reason as unknown }] : [];
    });
    if (failures.length > 0) {
      const redisUp = published.length > 0 || (await redisAnswers(deps.queues));
      for (const { row, error } of failures) {
        const message = error instanceof Error ? error.message : String(error);
        const deadNow = error instanceof UnpublishableRowError;
        const deadLettered = await batch.recordFailure(row.id, message, {
          counts: redisUp || deadNow,
          maxAttempts: deps.config.outbox.maxAttempts,
          deadNow,
        });
        const fields = { outboxId: row.id, topic: row.topic, err: message };
        if (deadLettered) deps.logger.error(fields, 'outbox row dead-lettered');
        else deps.logger.warn({ ...fields, redisUp }, 'outbox publish failed');
      }
    }
    await batch.commit(published);
    return { claimed: rows.length, published: published.length };
  } catch (e: unknown) {
    await batch.rollback();
    throw e;
  }
}

export async function startOutboxRelay(
  deps: RelayDeps,
  options: OutboxRelayOptions = {},
): Promise<OutboxRelay> {
  const batchSize = options.batchSize ?? 200;
  const sweepIntervalMs = options.sweepIntervalMs ?? 2000;
  // Batches claimed at once (SKIP LOCKED keeps them disjoint): a notification that arrives
  // while a batch is still delivering starts the next batch at once instead of queueing
  // behind it. Each lane claims on a connection of its own (outside the pool); a batch's
  // deliveries read with 2 pooled connections, so the pool bounds the lanes.
  const lanes =
    options.lanes ?? Math.max(1, Math.min(4, Math.floor(deps.config.databasePoolMax / 3)));
  const idleConnections: OutboxClaimConnection[] = [];
  const allConnections: OutboxClaimConnection[] = [];
  const takeConnection = () => {
    const idle = idleConnections.pop();
    if (idle) return idle;
    const opened = openOutboxClaimConnection(deps.db.knex, deps.databaseUrl);
    allConnections.push(opened);
    return opened;
  };
  let stopped = false;
  const running = new Set<Promise<number>>();
  let again = false;

  const runLane = (): Promise<number> => {
    const connection = takeConnection();
    const lane = (async () => {
      let total = 0;
      do {
        again = false;
        for (;;) {
          const batch = await publishBatch(deps, connection, batchSize);
          total += batch.published;
          // A short batch is the end; one that published nothing means Redis is away (the
          // sweep tries again), never a row stuck in front of the others.
          if (batch.claimed < batchSize || batch.published === 0) break;
        }
      } while (again && !stopped);
      return total;
    })().finally(() => {
      idleConnections.push(connection);
      running.delete(lane);
    });
    running.add(lane);
    return lane;
  };

  const sum = (totals: number[]) => totals.reduce((a, b) => a + b, 0);
  /** Resolves once every row owed when it was called is published (or failed this round). */
  const drain = async (): Promise<number> => {
    const inFlight = [...running];
    if (inFlight.length >= lanes) {
      // A running lane takes one more round before it ends.
      again = true;
      return sum(await Promise.all(inFlight));
    }
    return sum(await Promise.all([runLane(), ...inFlight]));
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
      await Promise.all([...running].map((lane) => lane.catch(() => 0)));
      await Promise.all(allConnections.map((connection) => connection.close()));
    },
  };
}
