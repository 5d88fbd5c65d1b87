/**
 * `npm run demo:ride`: one ride from the outside, against a running stack (`npm start`, which
 * seeds the demo data). It logs in as the seeded test passenger and test driver by OTP test
 * numbers, connects both sockets, orders a ride, prints every realtime event the passenger
 * receives, lets the driver accept and drive the trip with position reports along the way,
 * and exits 0 when the order is completed (1 on any refusal or after --timeout-s).
 *
 * Options: --api, --realtime (base URLs), --passenger and --driver (phone:code, as in
 * OTP_TEST_NUMBERS), --step-ms (pause between position reports), --timeout-s.
 * A development tool: it needs the dev dependency socket.io-client.
 */
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { OfferView } from '../lib/dispatch/offer-view.js';
import type { DriverView } from '../lib/drivers/driver-view.js';
import type { OrderView } from '../lib/orders/order-view.js';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SubscribeAck,
} from '../lib/realtime/events.js';

type Point = { lat: number; lon: number };
type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const { values: options } = parseArgs({
  options: {
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
    realtime: { type: 'string', default: 'http://127.0.0.1:3001' },
    passenger: { type: 'string', default: '+77777777777:111111' },
    driver: { type: 'string', default: '+79001001010:222222' },
    'step-ms': { type: 'string', default: '1200' },
    'timeout-s': { type: 'string', default: '180' },
  },
});
const stepMs = Number(options['step-ms']);
const started = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function say(who: string, text: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`${seconds}s  ${who.padEnd(12)} ${text}\n`);
}

function fail(text: string): never {
  process.stderr.write(`demo failed: ${text}\n`);
  process.exit(1);
}

/** JSON over HTTP; any answer but 2xx ends the demo with the API's own error. */
async function call<T>(method: string, path: string, token: string | null, body?: unknown) {
  const res = await fetch(`${options.api}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      'accept-language': 'en',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((e: unknown) => fail(`${options.api} does not answer (${String(e)}); is npm start up?`));
  const text = await res.text();
  if (res.status === 429) {
    fail(
      `${method} ${path} → 429 ${text}\n` +
        'The API limits logins per phone (OTP_MAX_REQUESTS_PER_PHONE_HOUR, 5 by default): ' +
        'wait, or start the stack with a higher limit for repeated demos.',
    );
  }
  if (!res.ok) fail(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

interface Login {
  access: string;
  role: string;
  passenger_id?: number;
  driver_id?: number;
}

async function login(account: string): Promise<Login> {
  const separator = account.lastIndexOf(':');
  const phone = account.slice(0, separator);
  await call('POST', '/api/auth/phone-login/', null, { phone });
  return call<Login>('POST', '/api/auth/verify-otp/', null, {
    phone,
    code: account.slice(separator + 1),
  });
}

async function connect(token: string, who: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(options.realtime, {
    transports: ['websocket'],
    auth: { token, locale: 'en' },
  });
  await new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => fail(`${who} socket: ${e.message} (${options.realtime})`));
  });
  say(who, `socket connected to ${options.realtime}`);
  return socket;
}

/** `steps` evenly spaced points after `from`, ending at `to`. */
const path = (from: Point, to: Point, steps: number): Point[] =>
  Array.from({ length: steps }, (_, i) => ({
    lat: Number((from.lat + ((to.lat - from.lat) * (i + 1)) / steps).toFixed(6)),
    lon: Number((from.lon + ((to.lon - from.lon) * (i + 1)) / steps).toFixed(6)),
  }));

/** Prints what the passenger's app is told; resolves once the order is completed. */
function watchPassenger(socket: ClientSocket, orderId: () => string | null): Promise<void> {
  return new Promise((resolve) => {
    const mine = (id: string) => id === orderId();
    socket.on('order_status_changed', (c) => {
      if (!mine(c.order_id)) return;
      say(
        'passenger ←',
        `order_status_changed v${c.version}: ${c.previous_status ?? '—'} → ${c.status} (${c.status_display})`,
      );
      if (c.status === 'completed') resolve();
      if (['cancelled', 'no_show', 'rejected', 'awaiting_dispatcher_decision'].includes(c.status)) {
        fail(`the order went to ${c.status}`);
      }
    });
    socket.on('driver_assigned', (a) => {
      if (mine(a.order_id)) {
        say(
          'passenger ←',
          `driver_assigned: ${a.driver.name}, ${a.driver.car_model} ${a.driver.plate_number}`,
        );
      }
    });
    socket.on('driver_location', (l) => {
      if (mine(l.order_id))
        say('passenger ←', `driver_location ${l.lat.toFixed(5)}, ${l.lon.toFixed(5)}`);
    });
    socket.on('driver_arrived', (a) => {
      if (mine(a.order_id)) say('passenger ←', `driver_arrived at ${a.arrived_at}`);
    });
    socket.on('order_update', (o) => {
      if (mine(o.id)) say('passenger ←', `order_update v${o.version} (${o.status})`);
    });
  });
}

/** The driver's next offer for this order; offers for other orders (left over) are declined. */
function awaitOffer(socket: ClientSocket, token: string, orderId: () => string | null) {
  return new Promise<OfferView>((resolve) => {
    socket.on('new_offer', (offer) => {
      if (offer.order_id === orderId()) {
        resolve(offer);
        return;
      }
      say('driver', `declines offer ${offer.id} for an older order ${offer.order_id}`);
      void call('POST', `/api/dispatch/offers/${offer.id}/decline/`, token, { reason: 'demo' });
    });
  });
}

const timeoutMs = Number(options['timeout-s']) * 1000;
setTimeout(() => fail(`not completed within ${options['timeout-s']} s`), timeoutMs).unref();

const passenger = await login(options.passenger);
if (passenger.passenger_id === undefined)
  fail(`${options.passenger} has no passenger profile; run npm run db:seed`);
say('passenger', `logged in (passenger ${passenger.passenger_id})`);
const driverLogin = await login(options.driver);
if (driverLogin.driver_id === undefined)
  fail(`${options.driver} is not a driver; run npm run db:seed`);
const driverId = driverLogin.driver_id;
const driverToken = driverLogin.access;
say('driver', `logged in (driver ${driverId})`);

let orderId: string | null = null;
const passengerSocket = await connect(passenger.access, 'passenger');
const driverSocket = await connect(driverToken, 'driver');
const completed = watchPassenger(passengerSocket, () => orderId);
const offered = awaitOffer(driverSocket, driverToken, () => orderId);

// Start every run at the centre of the driver's home region (where the seed puts the test
// driver), not where the last run dropped them off: the pickup then lies in that region, and
// region priority makes this driver the engine's first choice.
let driver = await call<DriverView>('GET', '/api/drivers/me/', driverToken);
if (!['offline', 'online_idle', 'offered'].includes(driver.status)) {
  fail(`the test driver is busy (${driver.status}); finish or cancel that trip first`);
}
const start: Point | null = driver.region?.center ?? driver.current_position;
if (!start) fail('the test driver has neither a region nor a position; run npm run db:seed');
await call('PATCH', `/api/drivers/${driverId}/online-status/`, driverToken, { is_online: true });
driver = await call<DriverView>('PATCH', `/api/drivers/${driverId}/location/`, driverToken, start);
say(
  'driver',
  `online at ${start.lat}, ${start.lon} in ${driver.region?.id ?? '?'} (${driver.car_model}, wheelchair accessible: ${driver.wheelchair_accessible})`,
);

// About 600 m north of the driver, to a point about 3 km south-east.
const pickup: Point = { lat: Number((start.lat + 0.0055).toFixed(6)), lon: start.lon };
const dropoff: Point = {
  lat: Number((start.lat - 0.015).toFixed(6)),
  lon: Number((start.lon + 0.025).toFixed(6)),
};
// The seeded passenger uses a folding wheelchair; asking for an accessible vehicle makes the
// seeded test van (the only accessible one online in atyrau_center) the engine's first choice.
const order = await call<OrderView>('POST', '/api/orders/', passenger.access, {
  pickup_title: 'Demo pickup: Satpaev St',
  dropoff_title: 'Demo drop-off: Regional hospital',
  pickup_lat: pickup.lat,
  pickup_lon: pickup.lon,
  dropoff_lat: dropoff.lat,
  dropoff_lon: dropoff.lon,
  needs_wheelchair_access: true,
});
orderId = order.id;
const createdAt = Date.now();
say(
  'passenger →',
  `ordered ${order.id} (v${order.version}, ${order.status}, region ${order.region_id})`,
);
const ack = (await passengerSocket
  .timeout(5000)
  .emitWithAck('subscribe', { order_id: order.id })) as SubscribeAck;
if (!ack.ok) fail(`subscribe refused: ${ack.code}`);
say('passenger →', `subscribed; snapshot v${ack.order.version} ${ack.order.status}`);

const offer = await offered;
const offerAt = Date.now();
say(
  'driver ←',
  `new_offer ${offer.id}: ${offer.pickup_title}, ${offer.distance_m ?? '?'} m away, expires in ${offer.expires_in_seconds} s`,
);
const pending = await call<{ results: OfferView[] }>('GET', '/api/drivers/me/offers/', driverToken);
say(
  'driver',
  `GET /api/drivers/me/offers/ lists offer(s) ${pending.results.map((o) => o.id).join(', ')}`,
);
await call('POST', `/api/dispatch/offers/${offer.id}/accept/`, driverToken, {});
const acceptedAt = Date.now();
say('driver →', `accepted offer ${offer.id}`);

const setStatus = async (status: string) => {
  await call('PATCH', `/api/orders/${order.id}/status/`, driverToken, { status });
  say('driver →', `status ${status}`);
};
const drive = async (from: Point, to: Point, steps: number) => {
  for (const point of path(from, to, steps)) {
    await sleep(stepMs);
    await call('PATCH', `/api/drivers/${driverId}/location/`, driverToken, point);
    say('driver →', `location ${point.lat}, ${point.lon}`);
  }
};

await setStatus('driver_en_route');
// Stop 20 m short of the pickup: inside the 80 m arrival geofence.
await drive(start, { lat: pickup.lat - 0.00018, lon: pickup.lon }, 4);
await setStatus('arrived_waiting');
await sleep(stepMs);
await setStatus('ride_ongoing');
await drive(pickup, dropoff, 5);
await setStatus('completed');
await completed;

const events = await call<{
  results: { version: number; from_status: string | null; to_status: string; actor_role: string }[];
}>('GET', `/api/orders/${order.id}/events/`, passenger.access);
say('passenger', `GET /api/orders/${order.id}/events/:`);
for (const e of events.results) {
  say('', `  v${e.version} ${e.from_status ?? '—'} → ${e.to_status} (by ${e.actor_role})`);
}
say(
  'demo',
  `offered ${offerAt - createdAt} ms and accepted ${acceptedAt - createdAt} ms after the order; completed`,
);
passengerSocket.disconnect();
driverSocket.disconnect();
process.exit(0);
