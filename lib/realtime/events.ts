/**
 * The realtime contract in one place: every server→client event with its payload, every
 * client→server event with its input schema and ack. The Socket.IO server, the fan-out and
 * the tests all type against these maps, so a payload cannot drift from the documentation.
 */
import * as yup from 'yup';
import type { OfferView } from '../dispatch/offer-view.js';
import type { DriverView } from '../drivers/driver-view.js';
import type { OrderView } from '../orders/order-view.js';
import { bodyObject } from '../validation/parse-input.js';

export interface OrderStatusChangedPayload {
  order_id: string;
  status: string;
  previous_status: string | null;
  status_display: string;
  version: number;
}

export interface DriverAssignedPayload {
  order_id: string;
  version: number;
  driver: { id: number; name: string; car_model: string; plate_number: string };
}

export interface DriverArrivedPayload {
  order_id: string;
  version: number;
  driver_id: number | null;
  arrived_at: string;
}

export interface OfferClosedPayload {
  offer_id: number;
  order_id: string;
  /** accepted (by this driver), declined, expired or cancelled (taken elsewhere, order moved on). */
  status: string;
}

export interface DriverLocationPayload {
  order_id: string;
  driver_id: number;
  lat: number;
  lon: number;
  heading: number | null;
  speed: number | null;
  recorded_at: string;
}

/** Every accepted driver position, to staff (the console's map), throttled per driver. */
export interface DriverPositionPayload {
  driver_id: number;
  lat: number;
  lon: number;
  heading: number | null;
  speed: number | null;
  recorded_at: string;
}

/**
 * Sent to every socket of a node whose fan-out subscription came back after a loss (a Redis
 * restart): changes published meanwhile never reached it, so `subscribe` again to each order
 * on screen and take the snapshot.
 */
export interface ResyncPayload {
  reason: 'fanout_reconnected';
}

/** Server → client. */
export interface ServerToClientEvents {
  order_update: (order: OrderView) => void;
  order_status_changed: (payload: OrderStatusChangedPayload) => void;
  driver_assigned: (payload: DriverAssignedPayload) => void;
  driver_arrived: (payload: DriverArrivedPayload) => void;
  new_offer: (offer: OfferView) => void;
  offer_closed: (payload: OfferClosedPayload) => void;
  driver_location: (payload: DriverLocationPayload) => void;
  driver_position: (payload: DriverPositionPayload) => void;
  resync: (payload: ResyncPayload) => void;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** What a refused client event acks: the HTTP error body, plus `ok: false`. */
export interface AckError {
  ok: false;
  error: string;
  code: string;
  fields?: Record<string, string[]>;
}

export type SubscribeAck = { ok: true; order: OrderView } | AckError;
export type UnsubscribeAck = { ok: true } | AckError;
/** As `PATCH /api/drivers/{id}/location/`: the Driver; `accepted: false` for a stale point. */
export type DriverLocationAck = { ok: true; driver: DriverView; accepted: boolean } | AckError;

export const subscribeSchema = bodyObject({
  order_id: yup.string().max(40).required(),
});
export type SubscribeInput = yup.InferType<typeof subscribeSchema>;

/** Client → server. Every handler acks when the client passes a callback. */
export interface ClientToServerEvents {
  subscribe: (input: SubscribeInput, ack?: (result: SubscribeAck) => void) => void;
  unsubscribe: (input: SubscribeInput, ack?: (result: UnsubscribeAck) => void) => void;
  'driver:location': (input: unknown, ack?: (result: DriverLocationAck) => void) => void;
}
