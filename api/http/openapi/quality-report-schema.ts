/** The response of GET /api/reports/dispatch-quality/ (see docs/quality-report.md). */
import type { JsonSchema } from './yup-to-json-schema.js';

const day = { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
const count = { type: 'integer', minimum: 0 };
const share = { type: ['number', 'null'], minimum: 0, maximum: 1 };
const figure = (description: string) => ({ type: ['number', 'null'], minimum: 0, description });

const row = {
  region_id: { type: 'string' },
  day,
  orders: count,
  assigned_orders: count,
  time_to_assignment_s_p50: figure('Median seconds from first entering matching to assigned'),
  time_to_assignment_s_p90: figure('90th percentile of the same'),
  pickup_km_mean: figure('Mean pickup distance of accepted offers, km'),
  wheelchair_requests: count,
  wheelchair_assigned_within_15_min_share: share,
  offers_declined: count,
  offers_expired: count,
  active_drivers: count,
  driver_trips_gini: share,
  driver_trips_min: figure('Fewest trips of an active driver'),
  driver_trips_max: figure('Most trips of an active driver'),
};

export const dispatchQualityReportSchema: JsonSchema = {
  type: 'object',
  required: ['from', 'to', 'time_zone', 'region_id', 'results'],
  properties: {
    from: day,
    to: day,
    time_zone: { type: 'string' },
    region_id: { type: ['string', 'null'] },
    results: {
      type: 'array',
      description: 'One row per region and local day, every day of the range, days ascending',
      items: {
        type: 'object',
        required: Object.keys(row),
        additionalProperties: false,
        properties: row,
      },
    },
  },
};
