/** The API's own types, shared with the server: the console cannot drift from the contract. */
export type { OrderView } from '../../lib/orders/order-view.js';
export type { OrderEventView } from '../../lib/orders/read-orders.js';
export type { DriverView } from '../../lib/drivers/driver-view.js';
export type { StaffDriverView } from '../../lib/drivers/read-drivers.js';
export type { StaffPassengerView } from '../../lib/passengers/read-passengers.js';
export type { RegionView } from '../../lib/regions/region-view.js';
export type { StaffUserView } from '../../lib/users/manage-staff-users.js';
export type { AuditEntryView } from '../../lib/audit/audit-trail.js';
export type { OrderCandidatesView } from '../../lib/dispatch/list-order-candidates.js';
export type { RankedCandidate } from '../../lib/dispatch/rank-candidates.js';
export type { ImportReport, ImportRowError } from '../../lib/imports/import-people.js';
export type { DispatchQualityReport } from '../../lib/quality/dispatch-quality-report.js';
export type { DispatchQualityDay } from '../../lib/quality/dispatch-quality-figures.js';
export type {
  ServerToClientEvents,
  ClientToServerEvents,
  DriverPositionPayload,
} from '../../lib/realtime/events.js';

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface SignedIn {
  access: string;
  refresh: string;
  user: { id: number; phone: string; role: string };
  role: string;
}

export interface ConsoleSettings {
  tile_url: string;
  realtime_url: string;
  /** A position older than this counts as stale (POSITION_FRESH_SECONDS). */
  position_fresh_seconds: number;
}
