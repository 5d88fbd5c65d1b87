/**
 * A dispatcher's "find a driver now" (`POST /api/dispatch/assign/{id}/` without a driver):
 * the order (re)enters matching, the engine runs at once in this process rather than waiting
 * for a worker, and the caller waits a few seconds (DISPATCH_ASSIGN_WAIT_MS) for a decision:
 * a driver accepted (assigned), or the engine handed the order back to the dispatcher.
 *
 * Safe alongside the workers: entering matching owes the usual match job, and whichever run
 * locks the order first makes the offer; the other finds it no longer matching. The wait is
 * woken by the order's own changes (PostgreSQL NOTIFY at commit, from any process), not by
 * polling, and its deadline is read on deps.clock.
 */
import { findOrderById, type OrderRow } from '../../db/repositories/order.repository.js';
import { systemActor, type UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import {
  driverHoldingStatuses,
  terminalStatuses,
  type OrderStatus,
} from '../orders/order-status.js';
import { watchOrderChanges, type OrderChangeWatch } from '../orders/order-changes.js';
import { requireOrderView, type OrderView } from '../orders/order-view.js';
import { invalidTransition, transitionOrder } from '../orders/transition-order.js';
import { matchOrder, NoDriverYetError } from './match-order.js';

export type DispatchNowResult =
  | {
      decided: true;
      success: boolean;
      driver_id: number | null;
      reason: string | null;
      order: OrderView;
    }
  | { decided: false; order: OrderView };

/** Statuses from which a dispatcher may start the engine by hand. */
const startableFrom: readonly OrderStatus[] = ['awaiting_dispatcher_decision', 'active_queue'];

async function enterMatching(deps: AppDeps, actor: UserActor, order: OrderRow): Promise<void> {
  await deps.db.transaction((trx) =>
    transitionOrder(
      trx,
      {
        orderId: order.id,
        to: 'matching',
        actor,
        reason: 'dispatcher: find a driver now',
        expectedStatuses: startableFrom,
      },
      deps.clock.now(),
      deps.config.dispatch,
    ),
  );
}

function decisionOf(
  order: OrderRow,
  startedVersion: number,
): Omit<Extract<DispatchNowResult, { decided: true }>, 'order'> | null {
  const status = order.status as OrderStatus;
  if (driverHoldingStatuses.includes(status) || status === 'completed') {
    return {
      decided: true,
      success: true,
      driver_id: order.driver_id,
      reason: order.assignment_reason,
    };
  }
  const handedBack = status === 'awaiting_dispatcher_decision' && order.version > startedVersion;
  if (handedBack || terminalStatuses.includes(status)) {
    return {
      decided: true,
      success: false,
      driver_id: null,
      reason: order.rejection_reason ?? order.cancel_reason,
    };
  }
  return null;
}

export async function runDispatchNow(
  deps: AppDeps,
  actor: UserActor,
  input: { orderId: string; locale: Locale },
): Promise<DispatchNowResult> {
  const { orderId, locale } = input;
  const order = await findOrderById(deps.db.knex, orderId);
  if (!order) throw new AppError('not_found');
  const startable = startableFrom.includes(order.status as OrderStatus);
  if (!startable && order.status !== 'matching' && order.status !== 'offered') {
    throw invalidTransition(order.status, 'matching');
  }
  // Listening before anything changes, so not even the quickest answer is missed.
  const changes = await watchOrderChanges(deps, orderId);
  try {
    if (startable) await enterMatching(deps, actor, order);
    const startedVersion = (await findOrderById(deps.db.knex, orderId))?.version ?? order.version;
    try {
      // The dispatcher moved the order; the engine's own steps are the system's.
      await matchOrder(deps, systemActor, { orderId });
    } catch (e: unknown) {
      // No driver yet: the owed job keeps searching with backoff; report what we know.
      if (!(e instanceof NoDriverYetError)) throw e;
    }
    return await awaitDecision(deps, changes, { orderId, locale, startedVersion });
  } finally {
    await changes.close();
  }
}

/**
 * Re-reads the order at each of its changes until it shows a decision or the wait
 * (DISPATCH_ASSIGN_WAIT_MS, on deps.clock) is over. Between changes it sleeps for what is
 * left of the wait; that sleep running out ends the wait too, whatever a fake clock says.
 */
async function awaitDecision(
  deps: AppDeps,
  changes: OrderChangeWatch,
  input: { orderId: string; locale: Locale; startedVersion: number },
): Promise<DispatchNowResult> {
  const deadline = deps.clock.now().getTime() + deps.config.dispatch.assignWaitMs;
  let waitedOut = false;
  for (;;) {
    const current = await findOrderById(deps.db.knex, input.orderId);
    if (!current) throw new AppError('not_found');
    const decision = decisionOf(current, input.startedVersion);
    const left = deadline - deps.clock.now().getTime();
    if (decision || waitedOut || left <= 0) {
      const view = await requireOrderView(deps.db.knex, input.orderId, input.locale);
      return decision ? { ...decision, order: view } : { decided: false, order: view };
    }
    waitedOut = (await changes.next(left)) === 'waited';
  }
}
