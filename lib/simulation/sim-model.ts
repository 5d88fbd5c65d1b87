/**
 * The replay's data: its settings, what goes in (requests, drivers) and what comes out (each
 * order's outcome and each driver's trips). The simulator's own bookkeeping stays inside it.
 */
import type { Config } from '../config/config.js';
import type { SimDriverSpec } from './fleet.js';
import type { PolicyName } from './policies.js';
import type { TripRequest } from './trips.js';

export interface DriverBehaviour {
  acceptProbability: number;
  declineProbability: number;
  /** Mean answer time; each answer takes uniformly 0.5–1.5 × this. */
  responseSeconds: number;
  /**
   * Scripted drivers instead of the draws (the fidelity test): each answer after exactly
   * `responseSeconds`, `ignore` letting the offer expire.
   */
  script?: (requestId: number, driverId: number) => 'accept' | 'decline' | 'ignore';
}

export interface SimulationSettings {
  dispatch: Config['dispatch'];
  policy: PolicyName;
  speedKmh: number;
  detour: number;
  behaviour: DriverBehaviour;
  seed: number;
}

export interface SimRequest {
  trip: TripRequest;
  needsWheelchair: boolean;
  seats: number;
  regionId: string;
  /** When the passenger books; earlier than the pickup for pre-booked requests. */
  bookedAtMs: number;
  desiredPickupMs: number | null;
}

export interface SimDriver extends SimDriverSpec {
  regionId: string;
}

export interface OrderOutcome {
  id: number;
  needsWheelchair: boolean;
  regionId: string;
  status: 'served' | 'gave_up' | 'manual_review';
  offers: number;
  /** Who was offered the order, in order. */
  offeredDriverIds: number[];
  driverId: number | null;
  /** Great-circle pickup distance as the engine saw it. */
  pickupM: number | null;
  driveM: number | null;
  timeToAssignS: number | null;
  /** Assignment plus the drive to the pickup (lateness past the desired time when pre-booked). */
  waitS: number | null;
  crossRegion: boolean;
  accessibleVehicle: boolean;
}

export interface SimulationResult {
  orders: OrderOutcome[];
  driverTrips: number[];
  events: number;
}
