/**
 * What the original Invo Taxi apps send and read, taken from the original's public sources
 * (github.com/ukudarovv/invotaxi at b64f5a5b: backend/INTEGRATION_GUIDE.md,
 * backend/API_DOCUMENTATION.md, backend/MOBILE_API_DOCUMENTATION.md,
 * backend/accounts/views_mobile.py, backend/websocket/consumers.py). The contract test
 * replays these calls and checks every field the apps read, so any drift fails it; the
 * differences we chose are listed here and in docs/migrating-from-invo-taxi.md, nowhere else.
 */
import { expect } from 'chai';

/** How a field is read: its JSON type; `?` allows null (Dart `json['x']?`). */
export type FieldKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  | 'object'
  | 'array'
  | 'datetime'
  | `${'string' | 'number' | 'integer' | 'boolean' | 'object' | 'datetime'}?`;

export type ReadFields = Record<string, FieldKind>;

/** The statuses the summary-era app's `OrderStatus` enum knows (API_DOCUMENTATION.md). */
export const summaryStatuses = [
  'draft',
  'submitted',
  'awaiting_dispatcher_decision',
  'rejected',
  'active_queue',
  'assigned',
  'driver_en_route',
  'arrived_waiting',
  'no_show',
  'ride_ongoing',
  'completed',
  'cancelled',
  'incident',
];
/** The later app's list adds these (MOBILE_API_DOCUMENTATION.md, "Статусы заказов"). */
export const laterStatuses = [...summaryStatuses, 'created', 'matching', 'offered'];

/** INTEGRATION_GUIDE.md §5: what the app stores after `verify-otp/`. */
export const verifyOtpReads: ReadFields = {
  access: 'string',
  refresh: 'string',
  role: 'string',
  user: 'object',
  'user.id': 'integer',
  'user.phone': 'string',
  is_new_user: 'boolean',
  has_profile: 'boolean',
};

/** INTEGRATION_GUIDE.md §4 `Order.toJson()`: the booking body, time from toIso8601String(). */
export function summaryBookingBody(at: {
  pickup: { lat: number; lon: number };
  dropoff: { lat: number; lon: number };
  localPickupTime: string;
}) {
  return {
    pickup_title: 'ул. Сатпаева, 12',
    dropoff_title: 'Областная больница',
    pickup_lat: at.pickup.lat,
    pickup_lon: at.pickup.lon,
    dropoff_lat: at.dropoff.lat,
    dropoff_lon: at.dropoff.lon,
    desired_pickup_time: at.localPickupTime,
    has_companion: false,
    note: null,
  };
}

/** INTEGRATION_GUIDE.md §4 `Order.fromJson()`: every field it reads. */
export const orderReads: ReadFields = {
  id: 'string',
  passenger: 'object',
  'passenger.id': 'integer',
  driver: 'object?',
  pickup_title: 'string',
  dropoff_title: 'string',
  pickup_lat: 'number',
  pickup_lon: 'number',
  dropoff_lat: 'number',
  dropoff_lon: 'number',
  desired_pickup_time: 'datetime',
  has_companion: 'boolean',
  note: 'string?',
  status: 'string',
  created_at: 'datetime',
  assigned_at: 'datetime?',
  completed_at: 'datetime?',
  assignment_reason: 'string?',
  rejection_reason: 'string?',
  video_recording: 'boolean',
  upload_started: 'boolean',
};

/** MOBILE_API_DOCUMENTATION.md drivers §1: the driver profile (also location/online answers). */
export const driverReads: ReadFields = {
  id: 'integer',
  user: 'object',
  'user.id': 'integer',
  'user.phone': 'string',
  'user.role': 'string',
  name: 'string',
  region: 'object',
  car_model: 'string',
  plate_number: 'string',
  capacity: 'integer',
  is_online: 'boolean',
  current_lat: 'number?',
  current_lon: 'number?',
  current_position: 'object?',
  rating: 'number',
  status: 'string',
};

/** MOBILE_API_DOCUMENTATION.md drivers §5 and views_mobile.get_offers: one listed offer. */
export const mobileOfferReads: ReadFields = {
  offer_id: 'integer',
  order_id: 'string',
  pickup_title: 'string',
  dropoff_title: 'string',
  pickup_lat: 'number',
  pickup_lon: 'number',
  dropoff_lat: 'number',
  dropoff_lon: 'number',
  desired_pickup_time: 'datetime?',
  has_companion: 'boolean',
  distance_km: 'number?',
  eta_seconds: 'number?',
  cost_score: 'number?',
  created_at: 'datetime',
  expires_at: 'datetime',
  expires_in_seconds: 'number',
  passenger: 'object?',
  'passenger.id': 'integer',
  'passenger.full_name': 'string',
};

/** websocket/consumers.py + orders/signals.py: the `data` of each message type. */
export const socketReads: Record<string, ReadFields> = {
  order_update: orderReads,
  order_status_changed: { order_id: 'string', status: 'string', status_display: 'string' },
  driver_assigned: {
    order_id: 'string',
    driver: 'object',
    'driver.id': 'integer',
    'driver.name': 'string',
    'driver.car_model': 'string',
    'driver.plate_number': 'string',
  },
};

/**
 * The differences we chose, as the test sees them (each is explained, with the change an
 * app needs, in docs/migrating-from-invo-taxi.md). A new one must be added here AND there.
 */
export const knownDifferences = {
  /** Lists of a party (`/api/orders/passenger/{id}/`, `driver/{id}/`) are pages, not arrays. */
  partyListsArePages: true,
  /** `GET /api/regions/` is a page too (the original sent a plain array). */
  regionListIsPage: true,
  /** The driver sees the passenger's name, not their disability category. */
  offerWithoutDisabilityCategory: 'passenger.disability_category',
  /** `driver_assigned.driver.id` is an integer (the original sent a string). */
  assignedDriverIdIsInteger: true,
  /** New statuses a summary-era app does not know: it would show them as `draft`. */
  statusesUnknownToSummaryApps: ['matching', 'offered'],
} as const;

const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function valueAt(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function matches(value: unknown, kind: FieldKind): boolean {
  const optional = kind.endsWith('?');
  if (value === null) return optional;
  switch (kind.replace('?', '')) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'datetime':
      // Dart's DateTime.parse needs an ISO time; with its zone it is never misread as local.
      return typeof value === 'string' && iso.test(value);
    default:
      return false;
  }
}

/**
 * Fails when a field the app reads is missing or of another type. A nested field under a
 * null optional parent (`driver?.id`) is not required.
 */
export function expectAppCanRead(what: string, body: unknown, reads: ReadFields): void {
  for (const [path, kind] of Object.entries(reads)) {
    const parent = path.includes('.') ? valueAt(body, path.slice(0, path.lastIndexOf('.'))) : body;
    if (parent === null) continue;
    const value = valueAt(body, path);
    expect(value, `${what}: ${path} is missing`).to.not.equal(undefined);
    expect(
      matches(value, kind),
      `${what}: ${path} should be ${kind}, is ${JSON.stringify(value)}`,
    ).to.equal(true);
  }
}
