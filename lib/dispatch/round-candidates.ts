/**
 * The candidates of a batch round: for each waiting order, its nearest
 * `DISPATCH_BATCH_CANDIDATES` eligible free drivers (eligibility = `ineligibilityReason`, the
 * one rule; minus the order's exclusions; `nearestEligible` in candidate-pool.ts). The H3
 * index is asked for a few more than that and the search widens (×4) only for the orders that
 * did not find enough, so a round never loads every driver within the pickup reach. Availability and trips today come from ONE query per
 * widening pass over the drivers not yet looked up, exclusions from one query per round.
 */
import { findFreeDrivers } from '../../db/repositories/dispatch-candidate.repository.js';
import {
  listExclusions,
  type WaitingOrderRow,
} from '../../db/repositories/batch-round.repository.js';
import { tripsTodayRule } from '../drivers/trips-today.js';
import type { BatchOrder } from './assign-batch.js';
import { firstAskFactor, nearestEligible, widenFactor, type FreeDriver } from './candidate-pool.js';
import { rankingSettings, type FindCandidatesDeps } from './find-candidates.js';
import type { CandidateFacts } from './rank-candidates.js';

export async function roundCandidates(
  deps: FindCandidatesDeps,
  orders: readonly WaitingOrderRow[],
): Promise<BatchOrder[]> {
  const settings = rankingSettings(deps.config);
  const wanted = deps.config.dispatch.batchCandidates;
  const now = deps.clock.now();
  const freshSince = new Date(now.getTime() - deps.config.dispatch.positionFreshSeconds * 1000);
  await deps.positionIndex.sync();

  const excludedOf = new Map<string, Set<number>>();
  for (const x of await listExclusions(
    deps.db.knex,
    orders.map((o) => o.id),
  )) {
    const set = excludedOf.get(x.order_id) ?? new Set<number>();
    set.add(x.driver_id);
    excludedOf.set(x.order_id, set);
  }

  // Drivers looked up so far: free ones with their facts; busy ones are simply absent.
  const free = new Map<number, FreeDriver>();
  const lookedUp = new Set<number>();
  const chosen = new Map<string, CandidateFacts[]>();
  let pending = [...orders];
  for (let limit = wanted * firstAskFactor; pending.length > 0; limit *= widenFactor) {
    const answers = await Promise.all(
      pending.map(async (order) => ({
        order,
        nearby: await deps.positionIndex.nearby({
          lat: order.pickup_lat,
          lon: order.pickup_lon,
          radiusMeters: settings.maxPickupKm * 1000,
          freshSince,
          limit,
        }),
      })),
    );
    const unseen = [...new Set(answers.flatMap((a) => a.nearby.map((n) => n.driverId)))].filter(
      (id) => !lookedUp.has(id),
    );
    for (const row of await findFreeDrivers(deps.db.knex, {
      driverIds: unseen,
      freshSince,
      now,
      tripsToday: tripsTodayRule(deps.config),
    })) {
      free.set(row.id, {
        driver_id: row.id,
        name: row.name,
        region_id: row.region_id,
        car_model: row.car_model,
        capacity: row.capacity,
        wheelchair_accessible: row.wheelchair_accessible,
        trips_today: row.trips_today,
      });
    }
    for (const id of unseen) lookedUp.add(id);

    const next: WaitingOrderRow[] = [];
    for (const { order, nearby } of answers) {
      const excluded = excludedOf.get(order.id) ?? new Set<number>();
      const found = nearestEligible(order, nearby, free, excluded, settings, wanted);
      chosen.set(order.id, found);
      // A full answer may hide eligible drivers farther out: widen for this order.
      if (found.length < wanted && nearby.length === limit) next.push(order);
    }
    pending = next;
  }

  return orders.map((order) => ({
    order_id: order.id,
    pickup_lat: order.pickup_lat,
    pickup_lon: order.pickup_lon,
    region_id: order.region_id,
    seats_needed: order.seats_needed,
    needs_wheelchair_access: order.needs_wheelchair_access,
    waited_seconds: waitedSeconds(order, now),
    candidates: chosen.get(order.id) ?? [],
  }));
}

/** Seconds since the order's current search began (the urgency credit's clock). */
export function waitedSeconds(
  order: Pick<WaitingOrderRow, 'search_started_at' | 'updated_at'>,
  now: Date,
): number {
  const startedAt = order.search_started_at ?? order.updated_at;
  return Math.max(0, (now.getTime() - new Date(startedAt).getTime()) / 1000);
}
