/**
 * The outbox relay's claim transactions on a PostgreSQL connection of their own (one per
 * relay lane), outside the shared pool: a claim never waits for a pooled connection behind
 * the deliveries' reads or other jobs. BEGIN travels with the claim and COMMIT with the mark,
 * as multi-statement simple queries (the values are the batch size and row ids, integers
 * inlined by knex's quoting): two round trips per batch instead of four.
 *
 * A connection that fails is dropped; the next claim opens a new one (a PostgreSQL restart).
 */
import pg from 'pg';
import type { Knex } from '../database.js';
import {
  claimOutboxQuery,
  markPublishedQuery,
  outboxFailureQuery,
  type OutboxFailureRule,
  type OutboxRow,
} from './outbox.repository.js';

/** An open claim transaction: its rows stay locked until `commit` or `rollback`. */
export interface ClaimedOutboxBatch {
  rows: OutboxRow[];
  recordFailure(id: number, error: string, rule: OutboxFailureRule): Promise<boolean>;
  /** Marks the rows published and commits, in one round trip. */
  commit(publishedIds: number[]): Promise<void>;
  rollback(): Promise<void>;
}

export interface OutboxClaimConnection {
  claim(limit: number): Promise<ClaimedOutboxBatch>;
  close(): Promise<void>;
}

type Results = pg.QueryResult | pg.QueryResult[];
const lastRows = (results: Results) =>
  (Array.isArray(results) ? results.at(-1)! : results).rows as unknown[];

/** `knex` only builds the SQL (no connection of its pool is used). */
export function openOutboxClaimConnection(knex: Knex, databaseUrl: string): OutboxClaimConnection {
  let client: pg.Client | null = null;

  const connected = async (): Promise<pg.Client> => {
    if (client) return client;
    const next = new pg.Client({ connectionString: databaseUrl });
    // A dropped connection: forget it; the next claim connects again.
    next.on('error', () => drop(next));
    await next.connect();
    client = next;
    return next;
  };
  const drop = (which: pg.Client) => {
    if (client === which) client = null;
    void which.end().catch(() => undefined);
  };
  /** Runs `sql` on the claim's client; any failure drops the client (state unknown). */
  const run = async (on: pg.Client, sql: string, values?: unknown[]): Promise<Results> => {
    try {
      return (await on.query(values ? { text: sql, values } : sql)) as Results;
    } catch (e: unknown) {
      drop(on);
      throw e;
    }
  };

  return {
    claim: async (limit) => {
      const on = await connected();
      const claim = claimOutboxQuery(knex, limit).toQuery();
      const rows = lastRows(await run(on, `BEGIN; ${claim}`)) as OutboxRow[];
      return {
        rows,
        recordFailure: async (id, error, rule) => {
          const { sql, bindings } = outboxFailureQuery(knex, id, error, rule).toSQL().toNative();
          const found = lastRows(await run(on, sql, [...bindings])) as {
            dead_lettered_at: Date | null;
          }[];
          return Boolean(found[0]?.dead_lettered_at);
        },
        commit: async (publishedIds) => {
          const mark =
            publishedIds.length > 0 ? `${markPublishedQuery(knex, publishedIds).toQuery()}; ` : '';
          await run(on, `${mark}COMMIT`);
        },
        rollback: async () => {
          await run(on, 'ROLLBACK').catch(() => undefined);
        },
      };
    },
    close: async () => {
      const last = client;
      client = null;
      await last?.end().catch(() => undefined);
    },
  };
}
