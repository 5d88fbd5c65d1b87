/**
 * The order reads: one order, its history, and lists. Every read goes through the caller's
 * scope (order-scope.ts): an order outside it is a 404, a party list outside it a 403.
 */
import type { Db } from '../../db/database.js';
import { listOrders, type OrderListFilter } from '../../db/repositories/order-list.repository.js';
import {
  findOrderById,
  listOrderEvents,
  type OrderRow,
} from '../../db/repositories/order.repository.js';
import { isStaff, type UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { buildPage, toPageWindow, type Page } from '../pagination/paginate.js';
import { requireOrderView, toOrderView, type OrderView } from './order-view.js';
import { isOrderInScope, scopeFilter } from './order-scope.js';
import { splitStatuses, type OrderListQuery } from './order.schemas.js';

/** The order if the caller may see it; 404 otherwise (existence is not revealed). */
export async function requireOrderInScope(
  db: Db,
  actor: UserActor,
  orderId: string,
): Promise<OrderRow> {
  const order = await findOrderById(db, orderId);
  if (!order || !isOrderInScope(actor, order)) throw new AppError('not_found');
  return order;
}

type ReadDeps = Pick<AppDeps, 'db'>;

export async function getOrder(
  deps: ReadDeps,
  actor: UserActor,
  input: { orderId: string; locale: Locale },
): Promise<OrderView> {
  await requireOrderInScope(deps.db.knex, actor, input.orderId);
  return requireOrderView(deps.db.knex, input.orderId, input.locale);
}

export interface OrderEventView {
  id: number;
  version: number;
  from_status: string | null;
  to_status: string;
  actor_user_id: number | null;
  actor_role: string;
  reason: string | null;
  created_at: string;
}

export async function getOrderEvents(
  deps: ReadDeps,
  actor: UserActor,
  input: { orderId: string },
): Promise<{ order_id: string; count: number; results: OrderEventView[] }> {
  const { orderId } = input;
  await requireOrderInScope(deps.db.knex, actor, orderId);
  const events = await listOrderEvents(deps.db.knex, orderId);
  return {
    order_id: orderId,
    count: events.length,
    results: events.map((e) => ({
      id: e.id,
      version: e.version,
      from_status: e.from_status,
      to_status: e.to_status,
      actor_user_id: e.actor_user_id,
      actor_role: e.actor_role,
      reason: e.reason,
      created_at: e.created_at.toISOString(),
    })),
  };
}

export interface OrderListRequest {
  query: OrderListQuery;
  /** The request URL, for the page links. */
  url: string;
  locale: Locale;
  /** A party list (`passenger/{id}/`, `driver/{id}/`): only that party's orders. */
  party?: { passengerId: number } | { driverId: number };
}

/** A party list is for the party themself or staff; anyone else is refused (403). */
function checkPartyAccess(actor: UserActor, party: OrderListRequest['party']): void {
  if (!party || isStaff(actor)) return;
  const own =
    'passengerId' in party
      ? actor.role === 'passenger' && actor.passengerId === party.passengerId
      : actor.role === 'driver' && actor.driverId === party.driverId;
  if (!own) throw new AppError('forbidden');
}

/** Narrows the filter to one party id; false when the filter already names another one. */
function pinParty(
  filter: OrderListFilter,
  key: 'passengerId' | 'driverId',
  value: number | undefined,
): boolean {
  if (value === undefined) return true;
  if (filter[key] !== undefined && filter[key] !== value) return false;
  filter[key] = value;
  return true;
}

export async function listOrdersInScope(
  deps: ReadDeps,
  actor: UserActor,
  request: OrderListRequest,
): Promise<Page<OrderView>> {
  const { query, party } = request;
  if (query.search !== undefined && !isStaff(actor)) {
    throw new AppError('validation_failed', { fields: { search: ['Only staff may search'] } });
  }
  checkPartyAccess(actor, party);
  const scope = scopeFilter(actor);
  const empty = { url: request.url, request: query, count: 0, results: [] };
  if (scope === null) return buildPage(empty);
  // Filters narrow, the scope confines: a filter naming someone else's id finds nothing.
  const filter: OrderListFilter = {
    passengerId: query.passenger_id,
    driverId: query.driver_id,
    statuses: query.status === undefined ? undefined : splitStatuses(query.status),
    regionId: query.region_id,
    createdAfter: query.created_after,
    createdBefore: query.created_before,
    search: query.search,
  };
  const pins: OrderListFilter[] = [scope, party ?? {}];
  const consistent = pins.every(
    (pin) =>
      pinParty(filter, 'passengerId', pin.passengerId) &&
      pinParty(filter, 'driverId', pin.driverId),
  );
  if (!consistent) return buildPage(empty);
  const { limit, offset } = toPageWindow(query);
  const { count, rows } = await listOrders(deps.db.knex, filter, { limit, offset });
  return buildPage({
    url: request.url,
    request: query,
    count,
    results: rows.map((row) => toOrderView(row, request.locale)),
  });
}
