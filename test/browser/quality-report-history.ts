/**
 * A small dispatch history for the quality report's browser test, built through the API and
 * the engine's own use cases under a fake clock, in-process, before the console's processes
 * start (so their worker never races the engine here): two regions, the two local days
 * before today; orders offered, accepted and completed, and one cancelled unserved.
 */
import { expect } from 'chai';
import { systemActor } from '../../lib/auth/actor.js';
import type { Clock } from '../../lib/clock/clock.js';
import { matchOrder } from '../../lib/dispatch/match-order.js';
import { localDayOf } from '../../lib/clock/calendar-days.js';
import {
  createDriver,
  createNamedStaff,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { bookOrder } from '../helpers/order-fixtures.js';
import { closeTestApp, openTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

export const timeZone = 'Asia/Atyrau'; // UTC+5 all year
export const regions = {
  atyrau: { id: 'atyrau_center', title: 'Atyrau centre', lat: 47.1067, lon: 51.9167 },
  zhylyoi: { id: 'zhylyoi', title: 'Zhylyoi', lat: 46.5, lon: 53.4 },
};

const msPerDay = 86_400_000;
const dayOffset = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * msPerDay).toISOString().slice(0, 10);
/** `hh:00` local time of a local day, as an instant. */
const localHour = (day: string, hour: number) =>
  Date.parse(`${day}T00:00:00Z`) + (hour - 5) * 3_600_000;

export interface History {
  today: string;
  /** The two days with orders, oldest first. */
  days: [string, string];
}

type Region = (typeof regions)[keyof typeof regions];
interface Placed {
  id: number;
  token: string;
  at: { lat: number; lon: number };
}

export async function buildHistory(staff: { phone: string; name: string }): Promise<History> {
  const today = localDayOf(new Date(), timeZone);
  const days: [string, string] = [dayOffset(today, -2), dayOffset(today, -1)];
  let now = localHour(days[0], 9);
  const clock: Clock = { now: () => new Date(now) };
  const { deps, app } = await openTestApp({ TIME_ZONE: timeZone }, clock);
  try {
    await resetState(deps);
    for (const r of Object.values(regions)) {
      await createRegion(deps, { id: r.id, title: r.title, center_lat: r.lat, center_lon: r.lon });
    }
    await createNamedStaff(deps, { phone: staff.phone, role: 'dispatcher', full_name: staff.name });
    const dispatcherToken = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    const passengers = {
      atyrau: await createPassenger(deps, regions.atyrau.id),
      zhylyoi: await createPassenger(deps, regions.zhylyoi.id),
    };
    const passengerToken = {
      atyrau: await tokenFor(deps, passengers.atyrau.user),
      zhylyoi: await tokenFor(deps, passengers.zhylyoi.user),
    };
    const drivers: Placed[] = [];
    const driverIn = async (region: Region, km: number, wheelchair = false) => {
      const at = { lat: region.lat + km / 111.2, lon: region.lon };
      const { user, driver } = await createDriver(deps, region.id, {
        wheelchair_accessible: wheelchair,
        is_online: false,
        current_lat: at.lat,
        current_lon: at.lon,
      });
      const placed = { id: driver.id, token: await tokenFor(deps, user), at };
      drivers.push(placed);
      return placed;
    };
    const d1 = await driverIn(regions.atyrau, 1, true);
    const d2 = await driverIn(regions.atyrau, 2);
    const z1 = await driverIn(regions.zhylyoi, 2.5);

    /** Only `driver` is online and free, with a position fixed now: the engine offers to it. */
    const offerTo = async (orderId: string, driver: Placed) => {
      const at = new Date(now);
      for (const other of drivers) {
        const chosen = other.id === driver.id;
        await deps.db
          .knex('drivers')
          .where('id', other.id)
          .update({
            is_online: chosen,
            status: chosen ? 'online_idle' : 'offline',
            last_location_update: at,
          });
        await deps.positionIndex.upsert({ driverId: other.id, ...other.at, recordedAt: at });
      }
      const outcome = await matchOrder(deps, systemActor, { orderId });
      if (outcome.kind !== 'offered' || outcome.driverId !== driver.id) {
        throw new Error(`expected an offer to ${driver.id}, got ${JSON.stringify(outcome)}`);
      }
      return outcome.offerId;
    };
    const request = async (method: string, path: string, token: string, body: unknown) => {
      const res = await app.request(method, path, { token, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).to.equal(200);
    };
    const book = async (region: 'atyrau' | 'zhylyoi', at: number, wheelchair = false) => {
      now = at;
      const r = regions[region];
      const order = await bookOrder(app, passengerToken[region], {
        needs_wheelchair_access: wheelchair,
        pickup_lat: r.lat,
        pickup_lon: r.lon,
        dropoff_lat: r.lat + 0.02,
        dropoff_lon: r.lon + 0.02,
      });
      return order.id as string;
    };
    /** Booked, offered to `driver`, accepted after `seconds`, driven to completion. */
    const serve = async (
      region: 'atyrau' | 'zhylyoi',
      at: number,
      driver: Placed,
      seconds: number,
      wheelchair = false,
    ) => {
      const orderId = await book(region, at, wheelchair);
      const offerId = await offerTo(orderId, driver);
      now += seconds * 1000;
      await request('POST', `/api/dispatch/offers/${offerId}/accept/`, driver.token, {});
      for (const status of ['driver_en_route', 'arrived_waiting', 'ride_ongoing', 'completed']) {
        await request('PATCH', `/api/orders/${orderId}/status/`, dispatcherToken, { status });
      }
    };

    // Accepted within the offer's 20 s. Day 1: two served in Atyrau (12 s, 18 s), one in
    // Zhylyoi (9 s).
    await serve('atyrau', localHour(days[0], 10), d1, 12);
    await serve('atyrau', localHour(days[0], 11), d2, 18);
    await serve('zhylyoi', localHour(days[0], 12), z1, 9);
    // Day 2: a wheelchair ride served in Atyrau (15 s), one order nobody took (the passenger
    // cancels); Zhylyoi quiet.
    await serve('atyrau', localHour(days[1], 10), d1, 15, true);
    const unserved = await book('atyrau', localHour(days[1], 11));
    await request('PATCH', `/api/orders/${unserved}/status/`, passengerToken.atyrau, {
      status: 'cancelled',
    });
    return { today, days };
  } finally {
    await closeTestApp(deps, app);
  }
}
