/**
 * One batch matching round as a pure decision: the orders waiting in one region group and
 * the free drivers within their reach go into ONE minimum-cost assignment (the Hungarian
 * algorithm of the `munkres` package), priced by `pairCost`. The engine's rounds, the replay
 * simulator's `batch` and `batch-optimum` policies and the candidates view share it.
 *
 * Each order keeps only its `candidatesPerOrder` cheapest eligible drivers, which bounds the
 * matrix (orders × distinct drivers) and so the solver's O(M²N) time, while losing nothing a
 * sensible assignment would pick. Deterministic: orders and drivers are sorted by id, so the
 * same inputs give the same pairs.
 */
import { munkres } from 'munkres';
import {
  pairCost,
  type PairCostTerms,
  type PairCostWeights,
  type WaitingOrderNeeds,
} from './pair-cost.js';
import {
  ineligibilityReason,
  type CandidateFacts,
  type ExcludedCandidate,
  type RankingSettings,
} from './rank-candidates.js';

export interface BatchOrder extends WaitingOrderNeeds {
  order_id: string;
  /** Free drivers near the pickup, each with its distance to this order's pickup. */
  candidates: readonly CandidateFacts[];
}

export interface CostedCandidate extends CandidateFacts {
  cost: PairCostTerms;
}

export interface BatchSettings extends RankingSettings {
  candidatesPerOrder: number;
  weights: PairCostWeights;
}

export interface BatchPair {
  order_id: string;
  driver_id: number;
  /** 1 = the order's cheapest candidate; the assignment may pick another to serve more. */
  rank: number;
  cost: PairCostTerms;
}

/** An order's eligible candidates priced and sorted cheapest first (ties by driver id). */
export function costCandidates(
  order: WaitingOrderNeeds,
  candidates: readonly CandidateFacts[],
  settings: RankingSettings & { weights: PairCostWeights },
): { costed: CostedCandidate[]; excluded: ExcludedCandidate[] } {
  const excluded: ExcludedCandidate[] = [];
  const eligible: CandidateFacts[] = [];
  for (const facts of candidates) {
    const reason = ineligibilityReason(order, facts, settings);
    if (reason) excluded.push({ driver_id: facts.driver_id, reason });
    else eligible.push(facts);
  }
  const fewestTrips = Math.min(...eligible.map((f) => f.trips_today));
  const costed = eligible
    .map((facts) => ({ ...facts, cost: pairCost(order, facts, fewestTrips, settings.weights) }))
    .sort((a, b) => a.cost.total_m - b.cost.total_m || a.driver_id - b.driver_id);
  return { costed, excluded: excluded.sort((a, b) => a.driver_id - b.driver_id) };
}

/** Larger than any real cost, finite so the solver's arithmetic stays exact. */
const notAPairM = 1e12;

export function assignBatch(orders: readonly BatchOrder[], settings: BatchSettings): BatchPair[] {
  const rows = [...orders]
    .sort((a, b) => (a.order_id < b.order_id ? -1 : a.order_id > b.order_id ? 1 : 0))
    .map((order) => ({
      order,
      costed: costCandidates(order, order.candidates, settings).costed.slice(
        0,
        settings.candidatesPerOrder,
      ),
    }))
    .filter((row) => row.costed.length > 0);
  if (rows.length === 0) return [];
  const driverIds = [...new Set(rows.flatMap((r) => r.costed.map((c) => c.driver_id)))].sort(
    (a, b) => a - b,
  );
  const column = new Map(driverIds.map((id, index) => [id, index]));
  const matrix = rows.map((row) => {
    const line = new Array<number>(driverIds.length).fill(notAPairM);
    for (const c of row.costed) line[column.get(c.driver_id) ?? 0] = c.cost.total_m;
    return line;
  });
  const pairs: BatchPair[] = [];
  for (const [rowIndex, colIndex] of munkres(matrix)) {
    const row = rows[rowIndex];
    const driverId = driverIds[colIndex];
    if (!row || driverId === undefined) continue;
    const rank = row.costed.findIndex((c) => c.driver_id === driverId);
    const chosen = row.costed[rank];
    if (!chosen) continue; // the solver had to fill a row with a non-pair
    pairs.push({
      order_id: row.order.order_id,
      driver_id: driverId,
      rank: rank + 1,
      cost: chosen.cost,
    });
  }
  return pairs;
}
