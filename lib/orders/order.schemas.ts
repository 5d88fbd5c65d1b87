/**
 * Input schemas of the order endpoints. Bodies are strict (`"true"` is not a boolean, `"47"`
 * is not a latitude) and refuse unknown fields by name, so a passenger sending `status` or
 * `driver_id` gets a 400 instead of having it silently ignored or, worse, applied.
 */
import * as yup from 'yup';
import { isClientTime } from '../clock/client-time.js';
import { listQuery } from '../pagination/paginate.js';
import { queryDateField } from '../validation/fields.js';
import { bodyObject } from '../validation/parse-input.js';
import { isOrderStatus, orderStatuses } from './order-status.js';

const latitude = () => yup.number().min(-90).max(90).required();
const longitude = () => yup.number().min(-180).max(180).required();
const title = () =>
  yup
    .string()
    .max(300)
    .required()
    .test('not-blank', 'This field may not be blank', (v) => (v ?? '').trim().length > 0);
const optionalText = (max: number) => yup.string().max(max).nullable();

export const createOrderBody = bodyObject({
  /** Staff only: the passenger the order is for (a passenger always orders for themself). */
  passenger_id: yup.number().integer().positive(),
  pickup_title: title(),
  dropoff_title: title(),
  pickup_lat: latitude(),
  pickup_lon: longitude(),
  dropoff_lat: latitude(),
  dropoff_lon: longitude(),
  /** With a zone, that instant; without one, wall-clock time in TIME_ZONE (lib/clock/client-time). */
  desired_pickup_time: yup
    .string()
    .nullable()
    .test(
      'iso-time',
      'Use an ISO-8601 time, e.g. 2026-11-26T09:30:00Z (without a zone: local time of the service)',
      (v) => v === undefined || v === null || isClientTime(v),
    ),
  has_companion: yup.boolean(),
  note: optionalText(1000),
  pickup_object_name: optionalText(300),
  dropoff_object_name: optionalText(300),
  needs_wheelchair_access: yup.boolean(),
});

export type CreateOrderInput = yup.InferType<typeof createOrderBody>;

export const orderListQuery = listQuery({
  status: yup
    .string()
    .test('statuses', `Use a comma list of: ${orderStatuses.join(', ')}`, (v) =>
      v === undefined ? true : splitStatuses(v).every(isOrderStatus),
    ),
  passenger_id: yup.number().integer().positive(),
  driver_id: yup.number().integer().positive(),
  region_id: yup.string().max(64),
  created_after: queryDateField(),
  created_before: queryDateField(),
  search: yup.string().max(100),
});

export type OrderListQuery = yup.InferType<typeof orderListQuery>;

export function splitStatuses(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const changeStatusBody = bodyObject({
  status: yup.string().oneOf(orderStatuses).required(),
  reason: optionalText(500),
});

export const withdrawBody = bodyObject({
  reason: title().max(500),
});

const driverIdDigits = /^[1-9]\d{0,8}$/;

/** The original dashboard sent `driver_id` as a string (`"1"`); its digits are accepted too. */
export const assignBody = bodyObject({
  driver_id: yup
    .mixed<number | string>()
    .meta({ description: 'A driver id: an integer, or its digits as a string' })
    .test(
      'driver-id',
      'Use a driver id: a positive integer',
      (v) =>
        v === undefined ||
        (typeof v === 'number' && Number.isInteger(v) && v > 0) ||
        (typeof v === 'string' && driverIdDigits.test(v)),
    ),
});

/** The driver id of a valid `assignBody`. */
export const assignedDriverId = (value: number | string | undefined): number | undefined =>
  value === undefined ? undefined : Number(value);
