/**
 * The dispatcher's view of the engine: the order's candidates ranked exactly as the dispatch
 * worker ranks them (same search, same pure ranking), with each factor shown, and beside it
 * each pair's cost terms in metres as a batch round prices them (`pairCost`, the one cost
 * function). Read-only.
 */
import { findSearchStartedAt } from '../../db/repositories/matching.repository.js';
import { findOrderById } from '../../db/repositories/order.repository.js';
import type { UserActor } from '../auth/actor.js';
import { AppError } from '../errors/app-error.js';
import { searchContinuesFrom } from './dispatch-policy.js';
import { pairCost, type PairCostTerms } from './pair-cost.js';
import type { RankedCandidate } from './rank-candidates.js';
import { findRankedCandidates, type FindCandidatesDeps } from './find-candidates.js';
import { waitedSeconds } from './round-candidates.js';

export interface ExplainedCandidate extends RankedCandidate {
  /** The pair's cost terms (batch policy's price; explained in both policies). */
  cost: PairCostTerms;
  /** Among the nearest DISPATCH_BATCH_CANDIDATES, i.e. the drivers a batch round weighs. */
  in_batch_round: boolean;
}

export interface OrderCandidatesView {
  order_id: string;
  /** The policy the engine runs (`DISPATCH_POLICY`): who acts on the ranking or the cost. */
  policy: 'ranked' | 'batch';
  /** Seconds the order has waited in its current search (the urgency credit's clock). */
  waited_seconds: number;
  count: number;
  candidates: ExplainedCandidate[];
  /** Why nobody can be offered the order right now (null when someone can). */
  rejection_reason: string | null;
}

const searching = new Set(['matching', 'offered']);

/** Staff only (the route's access rule); the actor is part of every use case's shape. */
export async function listOrderCandidates(
  deps: FindCandidatesDeps,
  _actor: UserActor,
  input: { orderId: string },
): Promise<OrderCandidatesView> {
  const { orderId } = input;
  const order = await findOrderById(deps.db.knex, orderId);
  if (!order) throw new AppError('not_found');
  const search = await findRankedCandidates(deps, order);
  const waited = searching.has(order.status)
    ? waitedSeconds(
        {
          search_started_at: await findSearchStartedAt(deps.db.knex, order.id, searchContinuesFrom),
          updated_at: order.updated_at,
        },
        deps.clock.now(),
      )
    : 0;
  // As a round sees them: the nearest eligible few, trips today relative to their fewest.
  const inRound = new Set(
    [...search.candidates]
      .sort((a, b) => a.distance_m - b.distance_m || a.driver_id - b.driver_id)
      .slice(0, deps.config.dispatch.batchCandidates)
      .map((c) => c.driver_id),
  );
  const fewestTrips = Math.min(
    ...search.candidates.filter((c) => inRound.has(c.driver_id)).map((c) => c.trips_today),
  );
  const needs = { ...order, waited_seconds: waited };
  return {
    order_id: order.id,
    policy: deps.config.dispatch.policy,
    waited_seconds: Math.round(waited),
    count: search.candidates.length,
    candidates: search.candidates.map((c) => ({
      ...c,
      cost: pairCost(needs, c, fewestTrips, deps.config.dispatch.cost),
      in_batch_round: inRound.has(c.driver_id),
    })),
    rejection_reason: search.rejectionReason,
  };
}
