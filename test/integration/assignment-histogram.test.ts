/**
 * The /metrics time-to-assignment histogram reads order events behind a watermark: a scrape's
 * work follows what happened since the last scrape, not the whole history.
 */
import { expect } from 'chai';
import { ulid } from 'ulid';
import { assignmentBatchSql } from '../../db/repositories/dispatch-stats.repository.js';
import type { AppDeps } from '../../lib/deps.js';
import { createAssignmentHistogramReader } from '../../lib/metrics/dispatch-metrics.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows PostgreSQL really read from order_events (returned or filtered out), over the plan. */
function orderEventRowsRead(node: PlanNode): number {
  const own =
    node['Relation Name'] === 'order_events'
      ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops']
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + orderEventRowsRead(child), 0);
}

describe('time-to-assignment histogram behind a watermark', () => {
  let deps: AppDeps;
  let passenger: { id: number; user_id: number; region_id: string };
  const base = Date.parse('2026-11-20T08:00:00Z');

  before(async () => {
    deps = createTestDeps();
    await resetState(deps);
    const region = await createRegion(deps);
    passenger = (await createPassenger(deps, region.id)).passenger;
  });
  after(() => closeDeps(deps));

  /** `count` orders, each created, in matching 5 s later, assigned `waitSeconds(i)` after. */
  async function recordAssignedOrders(count: number, waitSeconds: (i: number) => number) {
    const orders = Array.from({ length: count }, (_, i) => ({
      id: `order_${ulid()}`,
      created: new Date(base + i * 60_000),
      wait: waitSeconds(i),
    }));
    await deps.db.knex.batchInsert(
      'orders',
      orders.map((o) => ({
        id: o.id,
        passenger_id: passenger.id,
        region_id: passenger.region_id,
        created_by_user_id: passenger.user_id,
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: 47.1,
        pickup_lon: 51.9,
        dropoff_lat: 47.12,
        dropoff_lon: 51.95,
        status: 'matching',
        created_at: o.created,
      })),
      500,
    );
    const event = (o: (typeof orders)[number], version: number, to: string, at: number) => ({
      order_id: o.id,
      version,
      to_status: to,
      actor_role: 'system',
      created_at: new Date(at),
    });
    await deps.db.knex.batchInsert(
      'order_events',
      orders.flatMap((o) => [
        event(o, 1, 'submitted', o.created.getTime()),
        event(o, 2, 'matching', o.created.getTime() + 5_000),
        event(o, 3, 'assigned', o.created.getTime() + 5_000 + o.wait * 1000),
      ]),
      500,
    );
    await deps.db.knex.raw('ANALYZE order_events');
  }

  it('when a long history is caught up, then each scrape reads at most its batch and the figures are exact', async () => {
    const waits = (i: number) => (i % 4) * 20; // 0, 20, 40, 60 s
    await recordAssignedOrders(400, waits);
    const read = createAssignmentHistogramReader(deps.db.knex, {
      eventsPerScrape: 150,
      settleSeconds: 0,
    });
    const counts: number[] = [];
    for (let scrape = 0; scrape < 10; scrape++) counts.push((await read()).count);
    // 150 events per scrape = 50 orders (3 events each): 8 scrapes to read 1,200 events.
    expect(counts).to.deep.equal([50, 100, 150, 200, 250, 300, 350, 400, 400, 400]);
    const histogram = await read();
    expect(histogram.sum).to.equal(100 * (0 + 20 + 40 + 60));
    // Buckets 5, 15, 30, 60, …: 0 s → 100; ≤ 30 s → 200; ≤ 60 s → all 400.
    expect(histogram.bucketCounts.slice(0, 4)).to.deep.equal([100, 100, 200, 400]);
  });

  it('when caught up with a long history, then a scrape reads only the new events from order_events', async () => {
    const { max } = (await deps.db.knex('order_events').max({ max: 'id' }).first()) as {
      max: string;
    };
    await recordAssignedOrders(1, () => 30);
    const explain = async (afterEventId: number) => {
      const result = await deps.db.knex.raw<{ rows: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${assignmentBatchSql}`,
        { afterEventId, limit: 20_000, settleSeconds: 0 },
      );
      return orderEventRowsRead(result.rows[0]!['QUERY PLAN'][0].Plan);
    };
    const history = Number(
      ((await deps.db.knex('order_events').count({ n: '*' }).first()) as { n: string }).n,
    );
    expect(history).to.equal(1203);
    // From the watermark: the 3 new events, plus the look-ups of the one new order's events.
    const fromWatermark = await explain(Number(max));
    expect(fromWatermark, `${fromWatermark} rows read`).to.be.at.most(12);
    // The same query from the start reads the whole history: the measure can tell them apart.
    expect(await explain(0)).to.be.at.least(history);
  });

  it('when an assignment is younger than the settle time, then it waits for a later scrape', async () => {
    const read = createAssignmentHistogramReader(deps.db.knex, {
      eventsPerScrape: 20_000,
      settleSeconds: 60,
    });
    const { max } = (await deps.db.knex('order_events').max({ max: 'id' }).first()) as {
      max: string;
    };
    // The newest order's assignment happened just now.
    await deps.db.knex('order_events').where('id', Number(max)).update({ created_at: new Date() });
    expect((await read()).count).to.equal(400);
    expect((await read()).count).to.equal(400);
    await deps.db
      .knex('order_events')
      .where('id', Number(max))
      .update({
        created_at: new Date(Date.now() - 61_000),
      });
    expect((await read()).count).to.equal(401);
  });
});
