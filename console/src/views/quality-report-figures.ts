/**
 * What the quality report draws, pure: the charts (title, kind, the figures drawn as series),
 * each chart's table columns, the series' looks (a colour, a marker and a fill per region, so
 * regions differ without colour too), locale formatting, and the API's refusals as sentences.
 */
import { daysApart, utcMidnightOf } from '../../../lib/clock/calendar-days.js';
import { ApiError } from '../api.js';
import { fill, type Messages } from '../i18n.js';
import { refusalOf } from '../outcome.js';
import type { DispatchQualityDay } from '../types.js';

/** How a figure is drawn: bars filled or only outlined; lines solid or dashed. */
export type SeriesLook = 'filled' | 'outlined' | 'solid' | 'dashed';

export interface Figure {
  key: string;
  label: string;
  value: (row: DispatchQualityDay) => number | null;
  format: 'count' | 'decimal' | 'percent';
  /** Drawn as one series per region; absent: only in the table. */
  look?: SeriesLook;
}

export interface ChartSpec {
  id: string;
  title: string;
  kind: 'bar' | 'line';
  /** The y axis' upper end when the figure has one (Gini 1, a share 100 %). */
  yMax?: number;
  figures: Figure[];
}

const served = (row: DispatchQualityDay) => row.assigned_orders;
const unserved = (row: DispatchQualityDay) => row.orders - row.assigned_orders;
const percent = (share: number | null) => (share === null ? null : share * 100);

export function reportCharts(t: Messages): ChartSpec[] {
  return [
    {
      id: 'orders',
      title: t.reportOrdersTitle,
      kind: 'bar',
      figures: [
        { key: 'orders', label: t.reportOrders, value: (r) => r.orders, format: 'count' },
        { key: 'served', label: t.reportServed, value: served, format: 'count', look: 'filled' },
        {
          key: 'unserved',
          label: t.reportUnserved,
          value: unserved,
          format: 'count',
          look: 'outlined',
        },
      ],
    },
    {
      id: 'wait',
      title: t.reportWaitTitle,
      kind: 'line',
      figures: [
        {
          key: 'p50',
          label: t.reportWaitP50,
          value: (r) => r.time_to_assignment_s_p50,
          format: 'decimal',
          look: 'solid',
        },
        {
          key: 'p90',
          label: t.reportWaitP90,
          value: (r) => r.time_to_assignment_s_p90,
          format: 'decimal',
          look: 'dashed',
        },
      ],
    },
    {
      id: 'pickup',
      title: t.reportPickupTitle,
      kind: 'line',
      figures: [
        {
          key: 'pickup_km',
          label: t.reportPickupKm,
          value: (r) => r.pickup_km_mean,
          format: 'decimal',
          look: 'solid',
        },
      ],
    },
    {
      id: 'fairness',
      title: t.reportFairnessTitle,
      kind: 'line',
      yMax: 1,
      figures: [
        {
          key: 'gini',
          label: t.reportGini,
          value: (r) => r.driver_trips_gini,
          format: 'decimal',
          look: 'solid',
        },
        {
          key: 'active',
          label: t.reportActiveDrivers,
          value: (r) => r.active_drivers,
          format: 'count',
        },
        {
          key: 'trips_min',
          label: t.reportTripsMin,
          value: (r) => r.driver_trips_min,
          format: 'count',
        },
        {
          key: 'trips_max',
          label: t.reportTripsMax,
          value: (r) => r.driver_trips_max,
          format: 'count',
        },
      ],
    },
    {
      id: 'wheelchair',
      title: t.reportWheelchairTitle,
      kind: 'line',
      yMax: 100,
      figures: [
        {
          key: 'wheelchair_share',
          label: t.reportWheelchairShare,
          value: (r) => percent(r.wheelchair_assigned_within_15_min_share),
          format: 'percent',
          look: 'solid',
        },
        {
          key: 'wheelchair_requests',
          label: t.reportWheelchairRequests,
          value: (r) => r.wheelchair_requests,
          format: 'count',
        },
      ],
    },
  ];
}

/**
 * Region colours, each at least 5:1 on white (WCAG 1.4.11 asks 3:1 for graphics) and apart
 * from the focus ring's orange; markers and bar fills tell regions apart without colour.
 */
export const regionColours = [
  '#0b4f9c',
  '#1b6e3a',
  '#7a2e8e',
  '#b03a00',
  '#00677a',
  '#806400',
  '#a3124f',
  '#4a4a4a',
] as const;
export const regionMarkers = [
  'circle',
  'rect',
  'triangle',
  'rectRot',
  'star',
  'crossRot',
  'cross',
  'rectRounded',
] as const;
export const regionFills = ['solid', 'diagonal', 'dots', 'horizontal', 'grid', 'vertical'] as const;
export type RegionFill = (typeof regionFills)[number];

export interface RegionLook {
  colour: string;
  marker: (typeof regionMarkers)[number];
  fill: RegionFill;
}

export const regionLook = (index: number): RegionLook => ({
  colour: regionColours[index % regionColours.length]!,
  marker: regionMarkers[index % regionMarkers.length]!,
  fill: regionFills[index % regionFills.length]!,
});

/** Formatters of the chosen language; `null` (nothing measured that day) reads "no data". */
export function reportFormat(t: Messages) {
  const count = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 4 });
  const share = new Intl.NumberFormat(t.locale, { style: 'percent', maximumFractionDigits: 1 });
  const shortDay = new Intl.DateTimeFormat(t.locale, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  const longDay = new Intl.DateTimeFormat(t.locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return {
    value(value: number | null, format: Figure['format']): string {
      if (value === null) return t.reportNoData;
      if (format === 'count') return count.format(value);
      if (format === 'percent') return share.format(value / 100);
      return decimal.format(value);
    },
    // A local day of the service, shown as that calendar day wherever the browser is.
    shortDay: (day: string) => shortDay.format(utcMidnightOf(day)),
    longDay: (day: string) => longDay.format(utcMidnightOf(day)),
  };
}

export interface ReportRange {
  from: string;
  to: string;
  regionId: string;
}

export function reportPath(range: ReportRange): string {
  const query = new URLSearchParams();
  if (range.from) query.set('from', range.from);
  if (range.to) query.set('to', range.to);
  if (range.regionId) query.set('region_id', range.regionId);
  const search = query.toString();
  return `/api/reports/dispatch-quality/${search ? `?${search}` : ''}`;
}

/** The API's refusal of a report request as a sentence in the chosen language. */
export function reportRefusal(t: Messages, e: unknown, asked: ReportRange, maxDays: number) {
  if (!(e instanceof ApiError)) return refusalOf(t, e).text;
  if (e.status === 403) return t.reportForbidden;
  if (e.status === 404) return t.reportNoRegion;
  if (e.status === 400) {
    if (asked.from && asked.to && daysApart(asked.from, asked.to) < 0) return t.reportReversed;
    if (asked.from && asked.to && daysApart(asked.from, asked.to) + 1 > maxDays)
      return fill(t.reportTooLong, { days: maxDays });
    const details = Object.values(e.body.fields ?? {})
      .flat()
      .join(' ');
    return fill(t.reportInvalid, { details: details || e.body.error });
  }
  return refusalOf(t, e).text;
}
