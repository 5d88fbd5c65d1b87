/**
 * The contract's response shapes as OpenAPI components. Properties listed are always present
 * (nullable where the contract says so); staff-facing views may add more (`is_active`).
 * test/integration/openapi-responses.test.ts validates real responses against them, so they
 * cannot drift from what the API sends.
 */
import { driverStatuses } from '../../../lib/drivers/driver-status.js';
import { dispatchQualityReportSchema } from './quality-report-schema.js';
import type { JsonSchema } from './yup-to-json-schema.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const time = { type: 'string', format: 'date-time' };
const point = {
  type: 'object',
  required: ['lat', 'lon'],
  properties: { lat: num, lon: num },
};

function object(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', required: Object.keys(properties), properties };
}

/** `{count, next, previous, results}` of the named item. */
export function pageOf(item: string): JsonSchema {
  return object({
    count: int,
    next: nullable(str),
    previous: nullable(str),
    results: { type: 'array', items: ref(item) },
  });
}

export const responseSchemas: Record<string, JsonSchema> = {
  Region: object({
    id: str,
    title: str,
    center_lat: num,
    center_lon: num,
    center: point,
    polygon_coordinates: nullable({
      type: 'array',
      items: { type: 'array', items: num, minItems: 2, maxItems: 2 },
    }),
    service_radius_meters: nullable(int),
  }),
  User: object({ id: int, username: str, phone: str, role: str, email: nullable(str) }),
  Passenger: object({
    id: int,
    user: nullable(ref('User')),
    full_name: str,
    region: nullable(ref('Region')),
    disability_category: { enum: ['I группа', 'II группа', 'III группа', 'Ребенок-инвалид'] },
    allowed_companion: bool,
    mobility_aid: { enum: ['none', 'cane_or_walker', 'folding_wheelchair', 'wheelchair'] },
  }),
  Driver: object({
    id: int,
    user: nullable(ref('User')),
    name: str,
    region: nullable(ref('Region')),
    car_model: str,
    plate_number: str,
    capacity: int,
    wheelchair_accessible: bool,
    is_online: bool,
    status: { enum: [...driverStatuses] },
    current_lat: nullable(num),
    current_lon: nullable(num),
    current_position: nullable(point),
    last_location_update: nullable(time),
    rating: num,
  }),
  Order: object({
    id: { type: 'string', pattern: '^order_[0-9A-Z]{26}$' },
    version: int,
    passenger: nullable(ref('Passenger')),
    driver: nullable(ref('Driver')),
    region_id: str,
    pickup_title: str,
    dropoff_title: str,
    pickup_lat: num,
    pickup_lon: num,
    dropoff_lat: num,
    dropoff_lon: num,
    pickup_coordinate: point,
    dropoff_coordinate: point,
    pickup_object_name: nullable(str),
    dropoff_object_name: nullable(str),
    desired_pickup_time: nullable(time),
    has_companion: bool,
    seats_needed: { enum: [1, 2] },
    needs_wheelchair_access: bool,
    note: nullable(str),
    status: str,
    status_display: str,
    created_at: time,
    updated_at: time,
    assigned_at: nullable(time),
    completed_at: nullable(time),
    cancelled_at: nullable(time),
    assignment_reason: nullable(str),
    rejection_reason: nullable(str),
    cancel_reason: nullable(str),
    distance_km: nullable(num),
    video_recording: bool,
    upload_started: bool,
  }),
  OrderEvents: object({
    order_id: str,
    count: int,
    results: {
      type: 'array',
      items: object({
        id: int,
        version: int,
        from_status: nullable(str),
        to_status: str,
        actor_user_id: nullable(int),
        actor_role: str,
        reason: nullable(str),
        created_at: time,
      }),
    },
  }),
  Offer: object({
    id: int,
    order_id: str,
    driver_id: int,
    status: { enum: ['pending', 'accepted', 'declined', 'expired', 'cancelled'] },
    created_at: time,
    expires_at: time,
    expires_in_seconds: num,
    distance_m: nullable(num),
    pickup_title: nullable(str),
    dropoff_title: nullable(str),
    pickup_lat: nullable(num),
    pickup_lon: nullable(num),
    dropoff_lat: nullable(num),
    dropoff_lon: nullable(num),
    desired_pickup_time: nullable(time),
    has_companion: bool,
    needs_wheelchair_access: bool,
    passenger: nullable(object({ id: int, full_name: str })),
  }),
  ImportReport: object({
    kind: { type: 'string', enum: ['drivers', 'passengers'] },
    dry_run: bool,
    total_rows: int,
    valid_rows: int,
    imported: int,
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['row', 'code', 'message'],
        properties: {
          row: int,
          code: str,
          message: str,
          fields: { type: 'object', additionalProperties: { type: 'array', items: str } },
        },
      },
    },
  }),
  /** Each term of a pair's cost in metres (lib/dispatch/pair-cost.ts). */
  PairCost: object({
    pickup_m: num,
    other_region_m: num,
    fairness_m: num,
    accessible_reserve_m: num,
    urgency_credit_m: num,
    total_m: num,
  }),
  Candidate: object({
    driver_id: int,
    name: str,
    region_id: str,
    car_model: str,
    capacity: int,
    wheelchair_accessible: bool,
    distance_m: num,
    region_match: bool,
    trips_today: int,
    held_for_accessibility: bool,
    within_fairness_margin: bool,
    score: num,
    rank: int,
    cost: ref('PairCost'),
    in_batch_round: bool,
    /** The original dashboard's view of the same factors (docs/migrating-from-invo-taxi.md). */
    priority: object({ region_match: bool, order_count: int, distance: num }),
  }),
  OrderCandidates: object({
    order_id: str,
    policy: { enum: ['ranked', 'batch'] },
    waited_seconds: num,
    count: int,
    candidates: { type: 'array', items: ref('Candidate') },
    rejection_reason: nullable(str),
  }),
  RegionPage: pageOf('Region'),
  PassengerPage: pageOf('Passenger'),
  DriverPage: pageOf('Driver'),
  OrderPage: pageOf('Order'),
  OfferPage: pageOf('Offer'),
  DispatchQualityReport: dispatchQualityReportSchema,
  DeadLetter: object({
    id: int,
    topic: str,
    payload: { type: 'object' },
    job_id: nullable(str),
    attempts: int,
    last_error: nullable(str),
    created_at: time,
    dead_lettered_at: time,
  }),
  DeadLetterPage: pageOf('DeadLetter'),
  DeadLetterReplay: object({ id: int, replayed: bool }),
};
