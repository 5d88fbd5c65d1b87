/** What the back office shows and edits of each kind of record: columns and form fields. */
import type { Messages } from '../i18n.js';

export interface Field {
  name: string;
  label: string;
  type: 'text' | 'tel' | 'number' | 'checkbox' | 'select';
  options?: string[];
  /** Only when creating (ids, phones of staff). */
  createOnly?: boolean;
  required?: boolean;
}

export interface Entity {
  path: string;
  /** The id in the record and in `path{id}/`. */
  id: (row: Record<string, unknown>) => string;
  columns: { label: string; value: (row: Record<string, unknown>) => string }[];
  fields: Field[];
}

const text = (value: unknown): string => {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
};
const nested = (row: Record<string, unknown>, key: string, inner: string) =>
  text((row[key] as Record<string, unknown> | null)?.[inner]);

export function entities(t: Messages) {
  const yesNo = (v: unknown) => (v ? t.yes : t.no);
  return {
    drivers: {
      path: '/api/drivers/',
      id: (row) => String(row.id),
      columns: [
        { label: t.driverName, value: (r) => text(r.name) },
        { label: t.phone, value: (r) => nested(r, 'user', 'phone') },
        { label: t.region, value: (r) => nested(r, 'region', 'title') },
        {
          label: t.vehicle,
          value: (r) => `${text(r.car_model)} · ${text(r.plate_number)} · ${text(r.capacity)}`,
        },
        { label: t.accessible, value: (r) => yesNo(r.wheelchair_accessible) },
        { label: t.status, value: (r) => t.driverStatusNames[String(r.status)] ?? text(r.status) },
        { label: t.active, value: (r) => yesNo(r.is_active) },
      ],
      fields: [
        { name: 'phone', label: t.phone, type: 'tel', required: true },
        { name: 'name', label: t.driverName, type: 'text', required: true },
        { name: 'region_id', label: t.region, type: 'text', required: true },
        { name: 'car_model', label: t.vehicle, type: 'text', required: true },
        { name: 'plate_number', label: t.plate, type: 'text', required: true },
        { name: 'capacity', label: t.capacity, type: 'number', required: true },
        { name: 'wheelchair_accessible', label: t.accessible, type: 'checkbox' },
      ],
    },
    passengers: {
      path: '/api/passengers/',
      id: (row) => String(row.id),
      columns: [
        { label: t.fullName, value: (r) => text(r.full_name) },
        { label: t.phone, value: (r) => nested(r, 'user', 'phone') },
        { label: t.region, value: (r) => nested(r, 'region', 'title') },
        { label: t.category, value: (r) => text(r.disability_category) },
        { label: t.mobilityAid, value: (r) => text(r.mobility_aid) },
        { label: t.companion, value: (r) => yesNo(r.allowed_companion) },
        { label: t.active, value: (r) => yesNo(r.is_active) },
      ],
      fields: [
        { name: 'phone', label: t.phone, type: 'tel', required: true },
        { name: 'full_name', label: t.fullName, type: 'text', required: true },
        { name: 'region_id', label: t.region, type: 'text', required: true },
        {
          name: 'disability_category',
          label: t.category,
          type: 'select',
          options: ['I группа', 'II группа', 'III группа', 'Ребенок-инвалид'],
          required: true,
        },
        {
          name: 'mobility_aid',
          label: t.mobilityAid,
          type: 'select',
          options: ['none', 'cane_or_walker', 'folding_wheelchair', 'wheelchair'],
        },
        { name: 'allowed_companion', label: t.companion, type: 'checkbox' },
      ],
    },
    regions: {
      path: '/api/regions/',
      id: (row) => String(row.id),
      columns: [
        { label: 'Id', value: (r) => text(r.id) },
        { label: t.title, value: (r) => text(r.title) },
        { label: t.centre, value: (r) => `${text(r.center_lat)}, ${text(r.center_lon)}` },
        { label: t.radius, value: (r) => text(r.service_radius_meters) },
      ],
      fields: [
        { name: 'id', label: 'Id', type: 'text', createOnly: true, required: true },
        { name: 'title', label: t.title, type: 'text', required: true },
        { name: 'center_lat', label: t.latitude, type: 'number', required: true },
        { name: 'center_lon', label: t.longitude, type: 'number', required: true },
        { name: 'service_radius_meters', label: t.radius, type: 'number' },
      ],
    },
    staff: {
      path: '/api/users/',
      id: (row) => String(row.id),
      columns: [
        { label: t.fullName, value: (r) => text(r.full_name) },
        { label: t.phone, value: (r) => text(r.phone) },
        { label: t.role, value: (r) => text(r.role) },
        { label: t.email, value: (r) => text(r.email) },
        { label: t.active, value: (r) => yesNo(r.is_active) },
      ],
      fields: [
        { name: 'phone', label: t.phone, type: 'tel', createOnly: true, required: true },
        { name: 'full_name', label: t.fullName, type: 'text' },
        {
          name: 'role',
          label: t.role,
          type: 'select',
          options: ['dispatcher', 'admin'],
          required: true,
        },
        { name: 'email', label: t.email, type: 'text' },
      ],
    },
  } satisfies Record<string, Entity>;
}

export type EntityName = keyof ReturnType<typeof entities>;
