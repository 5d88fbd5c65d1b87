/**
 * The discrete-event replay: one policy, one simulated clock, the engine's own decisions.
 *
 * What happens, as in the real system (docs/dispatch-engine.md):
 * - booking → `entryStatus` (matching now, or the pre-booked queue until `dispatchStartsAt`);
 * - each entry into matching owes a match job; a run offers the policy's choice among the
 *   free drivers within DISPATCH_MAX_PICKUP_KM not excluded from the order (for `ranked`, the
 *   engine's pool: the nearest K eligible, lib/dispatch/candidate-pool.ts), or `afterNoOffer`
 *   decides: run again after `retryLaterDelayMs` (waiting uses no attempt, as in lib/jobs) or
 *   give up to a dispatcher at `searchDeadline`;
 * - batch policies instead run one `assignBatch` round every DISPATCH_BATCH_WINDOW_MS over
 *   every order in matching, each with its nearest DISPATCH_BATCH_CANDIDATES eligible drivers
 *   (as the engine's rounds), giving up on those past their deadline;
 * - an offer expires at `offerExpiresAt`; the driver accepts, declines, or does not answer
 *   (seeded draws); decline/expiry excludes the driver and returns the order to matching
 *   (continuing its search: `searchContinuesFrom`);
 * - an accepted driver drives straight-line × detour at a constant speed to the pickup, does
 *   the data's trip, and is free again at its drop-off.
 *
 * Jobs run the instant they are due and reservations never race (one process): the replay
 * measures the policies, not the infrastructure.
 */
import { createPrng } from '../../db/seeds/atyrau-demo.js';
import { assignBatch, type BatchOrder } from '../dispatch/assign-batch.js';
import { dispatchStartsAt } from '../dispatch/dispatch-owed.js';
import {
  afterNoOffer,
  entryStatus,
  offerExpiresAt,
  retryLaterDelayMs,
  searchContinuesFrom,
  searchDeadline,
} from '../dispatch/dispatch-policy.js';
import type { FreeDriver } from '../dispatch/candidate-pool.js';
import type { OrderNeeds } from '../dispatch/rank-candidates.js';
import { maxOrdersPerRound, regionGroups } from '../dispatch/region-group.js';
import type { NearbyDriver } from '../geo/driver-position-index.js';
import { haversineMeters } from '../geo/haversine.js';
import type { OrderStatus } from '../orders/order-status.js';
import { driverAnswers } from './driver-answers.js';
import { EventQueue } from './event-queue.js';
import { FreeDrivers } from './free-drivers.js';
import {
  batchCandidates,
  batchWeights,
  chooseDriver,
  isBatchPolicy,
  type DriverSearch,
} from './policies.js';
import type {
  OrderOutcome,
  SimDriver,
  SimRequest,
  SimulationResult,
  SimulationSettings,
} from './sim-model.js';
import type { LatLon } from './trips.js';

interface OrderState {
  req: SimRequest;
  status: OrderStatus;
  searchStartedAtMs: number;
  matchingSinceMs: number | null;
  job: number;
  excluded: Set<number>;
  outcome: OrderOutcome;
}

interface DriverState {
  spec: SimDriver;
  /** What the candidate query says about the driver while free. */
  facts: FreeDriver;
  /** The driver in an index answer; reused from search to search (see `searchFor`). */
  position: NearbyDriver;
  tripsToday: number;
}

/** The index's order: nearest first, ties by driver id (lib/geo/nearest-search.ts). */
const nearestFirst = (a: NearbyDriver, b: NearbyDriver) =>
  a.distanceMeters - b.distanceMeters || a.driverId - b.driverId;

interface OfferState {
  order: OrderState;
  driver: DriverState;
  expiresAtMs: number;
  pending: boolean;
}

type SimEvent =
  | { kind: 'book' | 'release'; order: OrderState }
  | { kind: 'match'; order: OrderState; job: number }
  | { kind: 'accept' | 'decline' | 'expire'; offer: OfferState }
  | { kind: 'free'; driver: DriverState; at: LatLon }
  | { kind: 'round' };

export function simulate(
  requests: readonly SimRequest[],
  drivers: readonly SimDriver[],
  settings: SimulationSettings,
  onProgress?: (done: number, total: number) => void,
): SimulationResult {
  const { dispatch, behaviour } = settings;
  const rankSettings = {
    regionMode: dispatch.regionMode,
    fairnessMaxExtraKm: dispatch.fairnessMaxExtraKm,
    accessibleReserveKm: dispatch.accessibleReserveKm,
    maxPickupKm: dispatch.maxPickupKm,
  };
  const maxPickupM = dispatch.maxPickupKm * 1000;
  const answerTo = driverAnswers(behaviour, createPrng(settings.seed));
  const retries = createPrng(settings.seed + 1);
  const metresPerMs = (settings.speedKmh * 1000) / 3_600_000;
  const batch = isBatchPolicy(settings.policy);
  const weights = batchWeights(settings.policy, dispatch.cost);

  const queue = new EventQueue<SimEvent>();
  const freeDrivers = new FreeDrivers<DriverState>();
  const driverStates = drivers.map((spec) => ({
    spec,
    facts: {
      driver_id: spec.id,
      name: `driver ${spec.id}`,
      region_id: spec.regionId,
      car_model: '',
      capacity: spec.capacity,
      wheelchair_accessible: spec.wheelchairAccessible,
      trips_today: 0,
    },
    position: { driverId: spec.id, ...spec.start, recordedAt: new Date(0), distanceMeters: 0 },
    tripsToday: 0,
  }));
  // The free drivers' facts by id, as the candidate query answers them.
  const freeFacts = new Map<number, FreeDriver>();
  const setFree = (d: DriverState) => {
    freeDrivers.add(d);
    freeFacts.set(d.spec.id, d.facts);
  };
  for (const d of driverStates) setFree(d);
  /** Batch policies: the orders in matching, waiting for a round. */
  const awaitingRound = new Set<OrderState>();
  let unresolved = requests.length;
  let events = 0;
  let now = 0;

  const orders: OrderState[] = requests.map((req) => {
    const order: OrderState = {
      req,
      status: 'submitted',
      searchStartedAtMs: req.bookedAtMs,
      matchingSinceMs: null,
      job: 0,
      excluded: new Set(),
      outcome: {
        id: req.trip.id,
        needsWheelchair: req.needsWheelchair,
        regionId: req.regionId,
        status: 'gave_up',
        offers: 0,
        offeredDriverIds: [],
        driverId: null,
        pickupM: null,
        driveM: null,
        timeToAssignS: null,
        waitS: null,
        crossRegion: false,
        accessibleVehicle: false,
      },
    };
    queue.push(req.bookedAtMs, { kind: 'book', order });
    return order;
  });

  const needsOf = (o: OrderState): OrderNeeds => ({
    pickup_lat: o.req.trip.pickup.lat,
    pickup_lon: o.req.trip.pickup.lon,
    region_id: o.req.regionId,
    seats_needed: o.req.seats,
    needs_wheelchair_access: o.req.needsWheelchair,
  });

  /**
   * What the position index and the candidate query give the engine's search: the drivers
   * within reach, the index's nearest-first answer (ties by id) for any limit, the free
   * drivers' facts and the order's exclusions. Busy drivers are left out here; the engine's
   * index answers them and its query leaves them out: the same pool either way. Each
   * driver's position object is reused from search to search (allocating millions of them
   * dominated the replay): a search is read at once, and the engine's pure code copies what
   * it keeps.
   */
  function searchFor(o: OrderState, needs: OrderNeeds): DriverSearch {
    const { lat, lon } = o.req.trip.pickup;
    const inReach: NearbyDriver[] = [];
    for (const d of freeDrivers.list) {
      const p = d.position;
      p.distanceMeters = haversineMeters(p.lat, p.lon, lat, lon);
      if (p.distanceMeters <= maxPickupM) inReach.push(p);
    }
    let distancesM: Float64Array | undefined;
    const nearby = (limit = Infinity): NearbyDriver[] => {
      if (limit < inReach.length) {
        // Only the nearest `limit` are sorted: those within the limit-th smallest distance.
        distancesM ??= Float64Array.from(inReach, (p) => p.distanceMeters).sort();
        const withinM = distancesM[limit - 1] ?? Infinity;
        return inReach
          .filter((p) => p.distanceMeters <= withinM)
          .sort(nearestFirst)
          .slice(0, limit);
      }
      return [...inReach].sort(nearestFirst);
    };
    return {
      needs,
      inReach,
      nearby,
      free: freeFacts,
      excluded: o.excluded,
      settings: rankSettings,
      batchCandidates: dispatch.batchCandidates,
    };
  }

  const deadlineOf = (o: OrderState) =>
    searchDeadline(
      new Date(o.searchStartedAtMs),
      o.req.desiredPickupMs === null ? null : new Date(o.req.desiredPickupMs),
      dispatch.giveUpSeconds,
    );

  function resolve(o: OrderState, status: OrderOutcome['status']) {
    o.outcome.status = status;
    o.status = status === 'served' ? 'assigned' : 'awaiting_dispatcher_decision';
    awaitingRound.delete(o);
    unresolved--;
    onProgress?.(requests.length - unresolved, requests.length);
  }

  function enterMatching(o: OrderState, from: OrderStatus) {
    o.status = 'matching';
    if (from !== searchContinuesFrom) o.searchStartedAtMs = now;
    o.matchingSinceMs ??= now;
    if (batch) {
      awaitingRound.add(o);
      return;
    }
    o.job++;
    queue.push(now, { kind: 'match', order: o, job: o.job });
  }

  function offer(o: OrderState, driverId: number) {
    const driver = freeDrivers.get(driverId);
    if (!driver) throw new Error(`driver ${driverId} is not free`);
    freeDrivers.delete(driverId);
    freeFacts.delete(driverId);
    awaitingRound.delete(o);
    o.status = 'offered';
    o.outcome.offers++;
    const expiresAtMs = offerExpiresAt(new Date(now), dispatch.offerTimeoutSeconds).getTime();
    const state: OfferState = { order: o, driver, expiresAtMs, pending: true };
    queue.push(expiresAtMs, { kind: 'expire', offer: state });
    o.outcome.offeredDriverIds.push(driverId);
    const answer = answerTo(o.req.trip.id, driverId);
    if (answer.kind !== 'ignore') {
      queue.push(Math.round(now + answer.afterMs), { kind: answer.kind, offer: state });
    }
  }

  function runMatchJob(o: OrderState) {
    const chosen = chooseDriver[settings.policy as 'ranked'](searchFor(o, needsOf(o)));
    if (chosen) return offer(o, chosen.driver_id);
    // Waiting is not failing: a run that offered nobody uses no attempt (lib/jobs), so only
    // the deadline ends the search.
    if (afterNoOffer(new Date(now), deadlineOf(o), false) === 'give_up') {
      return resolve(o, 'gave_up');
    }
    const delay = retryLaterDelayMs(dispatch.retryBackoffMs, retries());
    queue.push(now + delay, { kind: 'match', order: o, job: o.job });
  }

  /**
   * One tick of the engine's rounds (lib/dispatch/batch-round.ts): a round per region group,
   * one after another, each over its oldest `maxOrdersPerRound` bookings in matching.
   */
  function runRound() {
    const waiting = [...awaitingRound]
      .filter((o) => o.status === 'matching')
      .sort((a, b) => a.req.bookedAtMs - b.req.bookedAtMs || a.req.trip.id - b.req.trip.id);
    const batchSettings = {
      ...rankSettings,
      candidatesPerOrder: dispatch.batchCandidates,
      weights,
    };
    const groups = regionGroups(
      waiting.map((o) => o.req.regionId),
      dispatch.regionMode,
    );
    for (const { regionIds } of groups) {
      const inRound = waiting
        .filter((o) => regionIds === null || regionIds.includes(o.req.regionId))
        .slice(0, maxOrdersPerRound);
      const byId = new Map(inRound.map((o) => [String(o.req.trip.id).padStart(8, '0'), o]));
      const batchOrders: BatchOrder[] = [...byId].map(([order_id, o]) => {
        const needs = { ...needsOf(o), waited_seconds: (now - o.searchStartedAtMs) / 1000 };
        return { ...needs, order_id, candidates: batchCandidates(searchFor(o, needs)) };
      });
      const pairs = assignBatch(batchOrders, batchSettings);
      for (const pair of pairs) offer(byId.get(pair.order_id)!, pair.driver_id);
    }
    for (const o of waiting) {
      if (
        o.status === 'matching' &&
        afterNoOffer(new Date(now), deadlineOf(o), false) === 'give_up'
      ) {
        resolve(o, 'gave_up');
      }
    }
  }

  function closeUnanswered(state: OfferState) {
    state.pending = false;
    state.order.excluded.add(state.driver.spec.id);
    setFree(state.driver);
    enterMatching(state.order, 'offered');
  }

  function assign(state: OfferState) {
    state.pending = false;
    const { order: o, driver } = state;
    const { trip } = o.req;
    const { lat, lon } = driver.position;
    const pickupM = haversineMeters(lat, lon, trip.pickup.lat, trip.pickup.lon);
    const driveM = pickupM * settings.detour;
    const arrivalMs = now + driveM / metresPerMs;
    const tripMs =
      trip.tripSeconds > 0
        ? trip.tripSeconds * 1000
        : (haversineMeters(trip.pickup.lat, trip.pickup.lon, trip.dropoff.lat, trip.dropoff.lon) *
            settings.detour) /
          metresPerMs;
    driver.tripsToday++;
    driver.facts.trips_today = driver.tripsToday;
    Object.assign(o.outcome, {
      driverId: driver.spec.id,
      pickupM,
      driveM,
      timeToAssignS: (now - (o.matchingSinceMs ?? now)) / 1000,
      waitS: Math.max(0, arrivalMs - (o.req.desiredPickupMs ?? trip.requestedAtMs)) / 1000,
      crossRegion: driver.spec.regionId !== o.req.regionId,
      accessibleVehicle: driver.spec.wheelchairAccessible,
    });
    resolve(o, 'served');
    queue.push(Math.round(arrivalMs + tripMs), { kind: 'free', driver, at: trip.dropoff });
  }

  function handle(event: SimEvent) {
    switch (event.kind) {
      case 'book': {
        const desired =
          event.order.req.desiredPickupMs === null
            ? null
            : new Date(event.order.req.desiredPickupMs);
        const to = entryStatus(dispatch, desired, new Date(now));
        if (to === 'matching') return enterMatching(event.order, 'submitted');
        if (to === 'awaiting_dispatcher_decision') return resolve(event.order, 'manual_review');
        event.order.status = 'active_queue';
        return queue.push(dispatchStartsAt(desired, new Date(now), dispatch).getTime(), {
          kind: 'release',
          order: event.order,
        });
      }
      case 'release':
        return enterMatching(event.order, 'active_queue');
      case 'match':
        if (event.order.status === 'matching' && event.job === event.order.job)
          runMatchJob(event.order);
        return;
      case 'accept':
        if (event.offer.pending && now < event.offer.expiresAtMs) assign(event.offer);
        return;
      case 'decline':
      case 'expire':
        if (event.offer.pending) closeUnanswered(event.offer);
        return;
      case 'free':
        event.driver.position.lat = event.at.lat;
        event.driver.position.lon = event.at.lon;
        setFree(event.driver);
        return;
      case 'round':
        if (awaitingRound.size > 0) runRound();
        if (unresolved > 0) queue.push(now + dispatch.batchWindowMs, { kind: 'round' });
        return;
    }
  }

  const firstMs = Math.min(...requests.map((r) => r.bookedAtMs));
  if (batch && requests.length > 0) queue.push(firstMs, { kind: 'round' });
  for (let next = queue.pop(); next; next = queue.pop()) {
    now = next.atMs;
    events++;
    handle(next.event);
  }
  return {
    orders: orders.map((o) => o.outcome),
    driverTrips: driverStates.map((d) => d.tripsToday),
    events,
  };
}
