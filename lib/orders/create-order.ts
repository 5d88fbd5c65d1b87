/**
 * Books a ride. The order is written as `submitted` with its first event and, in the same
 * transaction, moved on by transitionOrder: to the dispatcher in manual review mode, to the
 * queue when booked beyond the dispatch lead time, else straight to matching. transitionOrder
 * also writes the outbox rows (realtime, owed dispatch job), so an order can never be saved
 * without its job.
 *
 * Safe to retry with an Idempotency-Key: the unique index (creator, key) lets exactly one
 * insert win; a retry, or a racing twin, gets the first order back (`replayed: true`).
 */
import { ulid } from 'ulid';
import {
  findOrderByIdempotencyKey,
  insertOrder,
  insertOrderEvent,
  isIdempotencyConflict,
} from '../../db/repositories/order.repository.js';
import {
  findPassengerById,
  findPassengerByUserId,
  type PassengerRow,
} from '../../db/repositories/passenger.repository.js';
import { isStaff, type UserActor } from '../auth/actor.js';
import { parseClientTime } from '../clock/client-time.js';
import type { AppDeps } from '../deps.js';
import { entryStatus } from '../dispatch/dispatch-policy.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { findPickupRegion } from '../regions/locate-region.js';
import type { CreateOrderInput } from './order.schemas.js';
import { requireOrderView, type OrderView } from './order-view.js';
import { transitionOrder } from './transition-order.js';

export type CreateOrderDeps = Pick<AppDeps, 'db' | 'config' | 'clock'>;

export interface CreateOrderRequest {
  order: CreateOrderInput;
  /** The client's Idempotency-Key, if it sent one. */
  idempotencyKey: string | null;
  locale: Locale;
}

export interface CreateOrderResult {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key made this order. */
  replayed: boolean;
}

const fieldError = (field: string, message: string) =>
  new AppError('validation_failed', { fields: { [field]: [message] } });

/** The passenger the order is for: the caller themself, or the one staff named. */
async function resolvePassenger(
  deps: CreateOrderDeps,
  actor: UserActor,
  passengerId: number | undefined,
): Promise<PassengerRow> {
  if (isStaff(actor)) {
    if (passengerId === undefined) throw fieldError('passenger_id', 'This field is required');
    const passenger = await findPassengerById(deps.db.knex, passengerId);
    if (!passenger) throw fieldError('passenger_id', 'No such passenger');
    if (!passenger.is_active)
      throw new AppError('forbidden', { extra: { reason: 'passenger_inactive' } });
    return passenger;
  }
  if (passengerId !== undefined) throw fieldError('passenger_id', 'This field is not allowed');
  const passenger = await findPassengerByUserId(deps.db.knex, actor.userId);
  if (!passenger) throw new AppError('profile_required');
  if (!passenger.is_active)
    throw new AppError('forbidden', { extra: { reason: 'passenger_inactive' } });
  return passenger;
}

/**
 * Absent or null: as soon as possible. Else within now … now + the booking window; a time
 * without a zone is wall-clock time in the service's zone.
 */
function checkDesiredPickupTime(
  value: string | null | undefined,
  now: Date,
  settings: { days: number; timeZone: string },
) {
  if (value === undefined || value === null) return null;
  const time = parseClientTime(value, settings.timeZone);
  if (!time) throw fieldError('desired_pickup_time', 'This date does not exist');
  const days = settings.days;
  if (time.getTime() < now.getTime())
    throw fieldError('desired_pickup_time', 'The pickup time is in the past');
  if (time.getTime() > now.getTime() + days * 86_400_000)
    throw fieldError('desired_pickup_time', `Book at most ${days} days ahead`);
  return time;
}

export async function createOrder(
  deps: CreateOrderDeps,
  actor: UserActor,
  request: CreateOrderRequest,
): Promise<CreateOrderResult> {
  const { orderId, replayed } = await bookOrder(deps, actor, request.order, request.idempotencyKey);
  return { order: await requireOrderView(deps.db.knex, orderId, request.locale), replayed };
}

async function bookOrder(
  deps: CreateOrderDeps,
  actor: UserActor,
  input: CreateOrderInput,
  idempotencyKey: string | null,
): Promise<{ orderId: string; replayed: boolean }> {
  if (idempotencyKey) {
    const earlier = await findOrderByIdempotencyKey(deps.db.knex, actor.userId, idempotencyKey);
    if (earlier) return { orderId: earlier.id, replayed: true };
  }
  const passenger = await resolvePassenger(deps, actor, input.passenger_id);
  const hasCompanion = input.has_companion ?? false;
  if (hasCompanion && !passenger.allowed_companion)
    throw fieldError('has_companion', 'This passenger may not travel with a companion');
  const now = deps.clock.now();
  const desired = checkDesiredPickupTime(input.desired_pickup_time, now, {
    days: deps.config.orders.bookingWindowDays,
    timeZone: deps.config.timeZone,
  });
  const pickup = { lat: input.pickup_lat, lon: input.pickup_lon };
  const { regionId } = await findPickupRegion(deps.db.knex, pickup, passenger.region_id);

  try {
    const orderId = await deps.db.transaction(async (trx) => {
      const order = await insertOrder(trx, {
        id: `order_${ulid(now.getTime())}`,
        passenger_id: passenger.id,
        region_id: regionId,
        created_by_user_id: actor.userId,
        idempotency_key: idempotencyKey,
        pickup_title: input.pickup_title,
        dropoff_title: input.dropoff_title,
        pickup_lat: input.pickup_lat,
        pickup_lon: input.pickup_lon,
        dropoff_lat: input.dropoff_lat,
        dropoff_lon: input.dropoff_lon,
        pickup_object_name: input.pickup_object_name ?? null,
        dropoff_object_name: input.dropoff_object_name ?? null,
        desired_pickup_time: desired,
        has_companion: hasCompanion,
        seats_needed: hasCompanion ? 2 : 1,
        needs_wheelchair_access:
          input.needs_wheelchair_access ?? passenger.mobility_aid === 'wheelchair',
        note: input.note ?? null,
        status: 'submitted',
        created_at: now,
        updated_at: now,
      });
      await insertOrderEvent(trx, {
        order_id: order.id,
        version: 1,
        from_status: null,
        to_status: 'submitted',
        actor_user_id: actor.userId,
        actor_role: actor.role,
        reason: null,
      });
      const to = entryStatus(deps.config.dispatch, desired, now);
      await transitionOrder(
        trx,
        { orderId: order.id, to, actor, insertedOrder: order },
        now,
        deps.config.dispatch,
      );
      return order.id;
    });
    return { orderId, replayed: false };
  } catch (e: unknown) {
    if (!idempotencyKey || !isIdempotencyConflict(e)) throw e;
    // A concurrent request with the same key committed first: answer with its order.
    const winner = await findOrderByIdempotencyKey(deps.db.knex, actor.userId, idempotencyKey);
    if (!winner) throw e;
    return { orderId: winner.id, replayed: true };
  }
}
