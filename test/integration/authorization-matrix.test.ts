/**
 * Who may call what: one table of (endpoint × caller → expected status) over the seven
 * callers every endpoint must be thought through for. Add a row per endpoint; a row with
 * `prepare` gets fresh state before each caller, so mutating endpoints can be tabled too.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { changeOrderStatus } from '../../lib/orders/change-order-status.js';
import {
  driverHoldingStatuses,
  transitions,
  type OrderStatus,
} from '../../lib/orders/order-status.js';
import { createDriver, fixtureAdmin } from '../helpers/factories.js';
import {
  assignOrder,
  bookOrder,
  createCast,
  offerOrder,
  orderBody,
  type Cast,
} from '../helpers/order-fixtures.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const callers = [
  'anonymous',
  'passengerA',
  'passengerB',
  'driverA',
  'driverB',
  'dispatcher',
  'admin',
] as const;
type Caller = (typeof callers)[number];

interface World {
  deps: AppDeps;
  app: TestApp;
  cast: Cast;
  /** Passenger A's order, assigned to driver A. */
  orderId: string;
}

interface Row {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Builds the request; `prepared` is what `prepare` returned for this call. */
  request: (world: World, caller: Caller, prepared: string) => { path: string; body?: unknown };
  /** Fresh state for each caller (mutating endpoints); returns e.g. an order id. */
  prepare?: (world: World) => Promise<string>;
  expected: Record<Caller, number>;
}

const isStaffCaller = (caller: Caller) => caller === 'dispatcher' || caller === 'admin';

/**
 * Ends whatever the driver holds, as staff would (cancel, or complete a ride under way), so
 * they are free for the next call.
 */
async function freeDriver(world: World, driverId: number): Promise<void> {
  const { deps } = world;
  const { actor: staff } = await fixtureAdmin(deps);
  type Held = { id: string; status: OrderStatus }[];
  const held = await deps.db
    .knex('orders')
    .where('driver_id', driverId)
    .whereIn('status', driverHoldingStatuses)
    .select<Held>('id', 'status');
  const offered = await deps.db
    .knex('offers')
    .join('orders', 'orders.id', 'offers.order_id')
    .where({ 'offers.driver_id': driverId, 'offers.status': 'pending' })
    .select<Held>('orders.id', 'orders.status');
  for (const order of [...held, ...offered]) {
    const to = transitions[order.status].includes('cancelled') ? 'cancelled' : 'completed';
    await changeOrderStatus(deps, staff, { orderId: order.id, to });
  }
}

/** A fresh order of passenger A assigned to driver A (ending driver A's earlier one first). */
async function freshAssignedOrder(world: World): Promise<string> {
  const { app, cast } = world;
  await freeDriver(world, cast.driverA.driver.id);
  const order = await bookOrder(app, cast.passengerA.token);
  await assignOrder(app, cast.dispatcher.token, order.id, cast.driverA.driver.id);
  return order.id as string;
}

/** A fresh order of passenger B offered to driver B; returns the offer id. */
async function freshOfferToDriverB(world: World): Promise<string> {
  const { app, cast, deps } = world;
  await freeDriver(world, cast.driverB.driver.id);
  const order = await bookOrder(app, cast.passengerB.token);
  const offer = await offerOrder(deps, order.id as string, cast.driverB.driver.id);
  return String(offer.id);
}

/** `PATCH /api/orders/{id}/status/` to `status`, on a fresh assigned order per caller. */
const statusChangeRow = (status: OrderStatus, expected: Row['expected']): Row => ({
  name: `PATCH /api/orders/{id}/status/ ${status}`,
  method: 'PATCH',
  prepare: freshAssignedOrder,
  request: (_w, _caller, id) => ({ path: `/api/orders/${id}/status/`, body: { status } }),
  expected,
});

const rows: Row[] = [
  {
    name: 'GET /api/orders/',
    method: 'GET',
    request: () => ({ path: '/api/orders/' }),
    expected: {
      anonymous: 401,
      passengerA: 200,
      passengerB: 200,
      driverA: 200,
      driverB: 200,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'POST /api/orders/',
    method: 'POST',
    request: (w, caller) => ({
      path: '/api/orders/',
      body: isStaffCaller(caller)
        ? orderBody({ passenger_id: w.cast.passengerA.passenger.id })
        : orderBody(),
    }),
    expected: {
      anonymous: 401,
      passengerA: 201,
      passengerB: 201,
      driverA: 403,
      driverB: 403,
      dispatcher: 201,
      admin: 201,
    },
  },
  {
    name: 'GET /api/orders/{id}/',
    method: 'GET',
    request: (w) => ({ path: `/api/orders/${w.orderId}/` }),
    expected: {
      anonymous: 401,
      passengerA: 200,
      passengerB: 404,
      driverA: 200,
      driverB: 404,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'GET /api/orders/{id}/events/',
    method: 'GET',
    request: (w) => ({ path: `/api/orders/${w.orderId}/events/` }),
    expected: {
      anonymous: 401,
      passengerA: 200,
      passengerB: 404,
      driverA: 200,
      driverB: 404,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'GET /api/orders/passenger/{A}/',
    method: 'GET',
    request: (w) => ({ path: `/api/orders/passenger/${w.cast.passengerA.passenger.id}/` }),
    expected: {
      anonymous: 401,
      passengerA: 200,
      passengerB: 403,
      driverA: 403,
      driverB: 403,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'GET /api/orders/driver/{A}/',
    method: 'GET',
    request: (w) => ({ path: `/api/orders/driver/${w.cast.driverA.driver.id}/` }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 200,
      driverB: 403,
      dispatcher: 200,
      admin: 200,
    },
  },
  statusChangeRow('cancelled', {
    anonymous: 401,
    passengerA: 200,
    passengerB: 404,
    driverA: 403,
    driverB: 404,
    dispatcher: 200,
    admin: 200,
  }),
  statusChangeRow('driver_en_route', {
    anonymous: 401,
    passengerA: 403,
    passengerB: 404,
    driverA: 200,
    driverB: 404,
    dispatcher: 200,
    admin: 200,
  }),
  {
    name: 'POST /api/orders/{id}/withdraw/',
    method: 'POST',
    prepare: freshAssignedOrder,
    request: (_w, _caller, id) => ({
      path: `/api/orders/${id}/withdraw/`,
      body: { reason: 'car trouble' },
    }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 200,
      driverB: 404,
      dispatcher: 403,
      admin: 403,
    },
  },
  {
    name: 'POST /api/dispatch/assign/{id}/ with a driver',
    method: 'POST',
    prepare: async (w) => {
      const order = await bookOrder(w.app, w.cast.passengerB.token);
      const driver = await createDriver(w.deps, w.cast.region.id);
      return `${order.id}|${driver.driver.id}`;
    },
    request: (_w, _caller, prepared) => {
      const [orderId, driverId] = prepared.split('|');
      return { path: `/api/dispatch/assign/${orderId}/`, body: { driver_id: Number(driverId) } };
    },
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 403,
      driverB: 403,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'GET /api/dispatch/candidates/{id}/',
    method: 'GET',
    prepare: async (w) => (await bookOrder(w.app, w.cast.passengerB.token)).id as string,
    request: (_w, _caller, id) => ({ path: `/api/dispatch/candidates/${id}/` }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 403,
      driverB: 403,
      dispatcher: 200,
      admin: 200,
    },
  },
  {
    name: 'POST /api/dispatch/offers/{id}/accept/ (offer to driver B)',
    method: 'POST',
    prepare: freshOfferToDriverB,
    request: (_w, _caller, id) => ({ path: `/api/dispatch/offers/${id}/accept/` }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 404,
      driverB: 200,
      dispatcher: 403,
      admin: 403,
    },
  },
  {
    name: 'POST /api/dispatch/offers/{id}/decline/ (offer to driver B)',
    method: 'POST',
    prepare: freshOfferToDriverB,
    request: (_w, _caller, id) => ({ path: `/api/dispatch/offers/${id}/decline/`, body: {} }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 404,
      driverB: 200,
      dispatcher: 403,
      admin: 403,
    },
  },
  {
    name: 'GET /api/reports/dispatch-quality/',
    method: 'GET',
    request: () => ({ path: '/api/reports/dispatch-quality/?from=2026-11-20&to=2026-11-21' }),
    expected: {
      anonymous: 401,
      passengerA: 403,
      passengerB: 403,
      driverA: 403,
      driverB: 403,
      dispatcher: 200,
      admin: 200,
    },
  },
];

describe('authorization matrix', () => {
  const world = {} as World;

  before(async () => {
    ({ deps: world.deps, app: world.app } = await openTestApp());
    await resetState(world.deps);
    world.cast = await createCast(world.deps);
    world.orderId = await freshAssignedOrder(world);
  });
  after(async () => {
    await closeTestApp(world.deps, world.app);
  });

  const tokenOf = (caller: Caller): string | undefined =>
    caller === 'anonymous' ? undefined : world.cast[caller].token;

  for (const row of rows) {
    it(`when each caller calls ${row.name}, then the statuses match the table`, async () => {
      const got = {} as Record<Caller, number>;
      for (const caller of callers) {
        const prepared = row.prepare ? await row.prepare(world) : '';
        if (!row.prepare && caller !== 'anonymous') {
          // Read rows share the world's order; it must still be assigned to driver A.
          expect(
            (await world.deps.db.knex('orders').where('id', world.orderId).first()).status,
          ).to.equal('assigned');
        }
        const { path, body } = row.request(world, caller, prepared);
        const res = await world.app.request(row.method, path, { token: tokenOf(caller), body });
        got[caller] = res.status;
        if (res.status >= 400) {
          expect(res.body, `${row.name} as ${caller}`).to.include.keys('error', 'code');
        }
      }
      // Mutating rows take driver A away from the shared order: give the world a fresh one.
      if (row.prepare) world.orderId = await freshAssignedOrder(world);
      expect(got).to.deep.equal(row.expected);
    });
  }
});
