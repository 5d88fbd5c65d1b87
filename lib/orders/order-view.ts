/** The contract's Order shape, built from an order fetched with its passenger and driver. */
import type { Db } from '../../db/database.js';
import { findOrderWithParties, type OrderRow } from '../../db/repositories/order.repository.js';
import { toDriverView, type DriverView } from '../drivers/driver-view.js';
import { AppError } from '../errors/app-error.js';
import type { Locale } from '../i18n/messages.js';
import { toPassengerView, type PassengerView } from '../passengers/passenger-view.js';
import { isOrderStatus, statusDisplay } from './order-status.js';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export interface OrderView {
  id: string;
  version: number;
  passenger: PassengerView | null;
  driver: DriverView | null;
  region_id: string;
  pickup_title: string;
  dropoff_title: string;
  pickup_lat: number;
  pickup_lon: number;
  dropoff_lat: number;
  dropoff_lon: number;
  pickup_coordinate: { lat: number; lon: number };
  dropoff_coordinate: { lat: number; lon: number };
  pickup_object_name: string | null;
  dropoff_object_name: string | null;
  desired_pickup_time: string | null;
  has_companion: boolean;
  seats_needed: number;
  needs_wheelchair_access: boolean;
  note: string | null;
  status: string;
  status_display: string;
  created_at: string;
  updated_at: string;
  assigned_at: string | null;
  completed_at: string | null;
  cancelled_at: string | null;
  assignment_reason: string | null;
  rejection_reason: string | null;
  cancel_reason: string | null;
  distance_km: number | null;
  video_recording: boolean;
  upload_started: boolean;
}

export function toOrderView(order: OrderRow, locale: Locale): OrderView {
  return {
    id: order.id,
    version: order.version,
    passenger: order.passenger ? toPassengerView(order.passenger) : null,
    driver: order.driver ? toDriverView(order.driver) : null,
    region_id: order.region_id,
    pickup_title: order.pickup_title,
    dropoff_title: order.dropoff_title,
    pickup_lat: order.pickup_lat,
    pickup_lon: order.pickup_lon,
    dropoff_lat: order.dropoff_lat,
    dropoff_lon: order.dropoff_lon,
    pickup_coordinate: { lat: order.pickup_lat, lon: order.pickup_lon },
    dropoff_coordinate: { lat: order.dropoff_lat, lon: order.dropoff_lon },
    pickup_object_name: order.pickup_object_name,
    dropoff_object_name: order.dropoff_object_name,
    desired_pickup_time: iso(order.desired_pickup_time),
    has_companion: order.has_companion,
    seats_needed: order.seats_needed,
    needs_wheelchair_access: order.needs_wheelchair_access,
    note: order.note,
    status: order.status,
    status_display: isOrderStatus(order.status)
      ? statusDisplay[order.status][locale]
      : order.status,
    created_at: order.created_at.toISOString(),
    updated_at: order.updated_at.toISOString(),
    assigned_at: iso(order.assigned_at),
    completed_at: iso(order.completed_at),
    cancelled_at: iso(order.cancelled_at),
    assignment_reason: order.assignment_reason,
    rejection_reason: order.rejection_reason,
    cancel_reason: order.cancel_reason,
    distance_km: order.distance_km,
    video_recording: order.video_recording,
    upload_started: order.upload_started,
  };
}

export async function loadOrderView(
  db: Db,
  orderId: string,
  locale: Locale,
): Promise<OrderView | null> {
  const order = await findOrderWithParties(db, orderId);
  return order ? toOrderView(order, locale) : null;
}

/**
 * The view of an order the caller just read or changed. It can only be missing if the order
 * was deleted in between (retention pruning), which the caller sees as "not found".
 */
export async function requireOrderView(
  db: Db,
  orderId: string,
  locale: Locale,
): Promise<OrderView> {
  const view = await loadOrderView(db, orderId, locale);
  if (!view) throw new AppError('not_found');
  return view;
}
