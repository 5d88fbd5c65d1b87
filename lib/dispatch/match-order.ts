/**
 * One run of the matching engine for one order: find the ranked candidates and offer the
 * order to the best driver who can still be reserved.
 *
 * Safe to retry and to run on many workers at once: every write happens in one transaction
 * that locks the order, re-checks that it is still `matching`, and reserves the driver with a
 * conditional update (online_idle → offered). A duplicate or retried job finds the order no
 * longer matching and does nothing; a job aborted by its time budget rolls back and leaves no
 * driver reserved. The partial unique indexes on offers back this up in the database.
 */
import { findSearchStartedAt } from '../../db/repositories/matching.repository.js';
import type { OrderRow } from '../../db/repositories/order.repository.js';
import type { SystemActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { isAppError } from '../errors/app-error.js';
import { RetryLaterError } from '../queue/retry-later.js';
import { transitionOrder } from '../orders/transition-order.js';
import {
  afterNoOffer,
  candidatesToTry,
  searchContinuesFrom,
  searchDeadline,
} from './dispatch-policy.js';
import { findRankedCandidates } from './find-candidates.js';
import { offerToCandidate } from './offer-driver.js';
import { loadOrderForSearch } from './supply-follower.js';

/** No driver could be offered the order yet; the job retries with backoff. */
export class NoDriverYetError extends RetryLaterError {
  constructor(readonly reason: string) {
    super(`no driver yet: ${reason}`);
    this.name = 'NoDriverYetError';
  }
}

export type MatchOutcome =
  | { kind: 'skipped'; status: string | null }
  | { kind: 'queue_released' }
  | { kind: 'offered'; offerId: number; driverId: number; rank: number }
  | { kind: 'gave_up'; reason: string };

export interface MatchInput {
  orderId: string;
  /** Aborts the run (the job's time budget): nothing half-done stays, see above. */
  signal?: AbortSignal;
  /** The job's last try: hand the order to a dispatcher rather than fail it. */
  isFinalAttempt?: boolean;
}

export type MatchDeps = Pick<AppDeps, 'db' | 'clock' | 'config' | 'positionIndex' | 'driverSupply'>;

/** Searches per run when every tried driver was reserved by another order meanwhile. */
const searchesPerRun = 2;

/**
 * The engine acts as the system (`SystemActor`): its offers and hand-overs are recorded as
 * the system's, also when a dispatcher's "find a driver now" starts it.
 */
export async function matchOrder(
  deps: MatchDeps,
  actor: SystemActor,
  input: MatchInput,
): Promise<MatchOutcome> {
  // With its exclusions and a supply barrier: the search then needs no SQL read of its own.
  const loaded = await loadOrderForSearch(deps, input.orderId, {
    barrier: deps.config.dispatch.policy !== 'batch',
  });
  if (!loaded) return { kind: 'skipped', status: null };
  const { order } = loaded;
  if (order.status === 'active_queue') return releaseFromQueue(deps, actor, order);
  if (order.status !== 'matching') return { kind: 'skipped', status: order.status };
  // Batch mode: rounds make the offers (batch-round.ts); this job only watches the deadline.
  if (deps.config.dispatch.policy === 'batch') return awaitRound(deps, actor, order, input);

  // Workers racing on nearby orders may take every driver this search ranked; one fresh
  // search (which no longer sees them) beats waiting a whole backoff.
  let reason = 'Every candidate driver was taken by another order meanwhile.';
  for (let search = 1; search <= searchesPerRun; search++) {
    // The first search reads the in-memory supply; a second one (everyone it ranked was just
    // taken) reads SQL, which already sees those reservations.
    const found = await findRankedCandidates(
      deps,
      order,
      search === 1 ? { supply: loaded.supply } : {},
    );
    if (found.rejectionReason !== null) {
      reason = found.rejectionReason;
      break;
    }
    for (const candidate of candidatesToTry(found.candidates)) {
      input.signal?.throwIfAborted();
      const result = await offerToCandidate(deps, actor, {
        order,
        candidate,
        signal: input.signal,
      });
      if (result === 'order_moved_on') return { kind: 'skipped', status: null };
      if (result !== 'driver_taken') {
        return {
          kind: 'offered',
          offerId: result.id,
          driverId: candidate.driver_id,
          rank: candidate.rank,
        };
      }
    }
  }

  if (!(await pastDeadline(deps, order, input))) throw new NoDriverYetError(reason);
  return giveUp(deps, actor, order.id, reason, input.signal);
}

async function pastDeadline(deps: MatchDeps, order: OrderRow, options: MatchInput) {
  const startedAt =
    (await findSearchStartedAt(deps.db.knex, order.id, searchContinuesFrom)) ?? order.updated_at;
  const deadline = searchDeadline(
    startedAt,
    order.desired_pickup_time,
    deps.config.dispatch.giveUpSeconds,
  );
  return afterNoOffer(deps.clock.now(), deadline, options.isFinalAttempt ?? false) === 'give_up';
}

/**
 * Batch mode's match job: no offer (no second path beside the rounds). Before the deadline it
 * retries; at the deadline it hands the order to a dispatcher with the reason a search gives
 * now, the same reasons as the ranked engine.
 */
async function awaitRound(
  deps: MatchDeps,
  actor: SystemActor,
  order: OrderRow,
  options: MatchInput,
): Promise<MatchOutcome> {
  if (!(await pastDeadline(deps, order, options)))
    throw new NoDriverYetError('waiting for the next batch round');
  const found = await findRankedCandidates(deps, order);
  const reason =
    found.rejectionReason ??
    'No batch round could offer the order to a driver in time: its candidates went to other orders.';
  return giveUp(deps, actor, order.id, reason, options.signal);
}

/** A pre-booked order's lead time has come: it enters matching, which owes the next job. */
async function releaseFromQueue(
  deps: MatchDeps,
  actor: SystemActor,
  order: OrderRow,
): Promise<MatchOutcome> {
  const moved = await deps.db.transaction(async (trx) => {
    try {
      await transitionOrder(
        trx,
        {
          orderId: order.id,
          to: 'matching',
          actor,
          expectedStatuses: ['active_queue'],
        },
        deps.clock.now(),
        deps.config.dispatch,
      );
      return true;
    } catch (e: unknown) {
      if (isAppError(e) && e.code === 'invalid_transition') return false;
      throw e;
    }
  });
  return moved ? { kind: 'queue_released' } : { kind: 'skipped', status: null };
}

async function giveUp(
  deps: MatchDeps,
  actor: SystemActor,
  orderId: string,
  reason: string,
  signal: AbortSignal | undefined,
): Promise<MatchOutcome> {
  return deps.db.transaction(async (trx) => {
    try {
      await transitionOrder(
        trx,
        {
          orderId,
          to: 'awaiting_dispatcher_decision',
          actor,
          reason,
          expectedStatuses: ['matching'],
        },
        deps.clock.now(),
        deps.config.dispatch,
      );
    } catch (e: unknown) {
      if (isAppError(e) && e.code === 'invalid_transition')
        return { kind: 'skipped', status: null };
      throw e;
    }
    signal?.throwIfAborted();
    return { kind: 'gave_up', reason };
  });
}
