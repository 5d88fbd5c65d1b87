/**
 * The dispatcher's view of the engine: the order's candidates ranked exactly as the dispatch
 * worker ranks them (same search, same pure ranking), with each factor shown. Read-only.
 */
import { findOrderById } from '../../db/repositories/order.repository.js';
import { AppError } from '../errors/app-error.js';
import type { RankedCandidate } from './rank-candidates.js';
import { findRankedCandidates, type FindCandidatesDeps } from './find-candidates.js';

export interface OrderCandidatesView {
  order_id: string;
  count: number;
  candidates: RankedCandidate[];
  /** Why nobody can be offered the order right now (null when someone can). */
  rejection_reason: string | null;
}

export async function listOrderCandidates(
  deps: FindCandidatesDeps,
  orderId: string,
): Promise<OrderCandidatesView> {
  const order = await findOrderById(deps.db.knex, orderId);
  if (!order) throw new AppError('not_found');
  const search = await findRankedCandidates(deps, order);
  return {
    order_id: order.id,
    count: search.candidates.length,
    candidates: search.candidates,
    rejection_reason: search.rejectionReason,
  };
}
