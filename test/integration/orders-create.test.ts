import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { createPassenger, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { atyrau, createCast, orderBody, type Cast } from '../helpers/order-fixtures.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const start = new Date('2026-11-26T08:00:00.000Z');
const minutes = (n: number) => n * 60_000;

describe('creating orders', () => {
  let now = start;
  const clock: Clock = { now: () => now };
  let deps: AppDeps;
  let app: TestApp;
  let cast: Cast;

  before(async () => {
    ({ deps, app } = await openTestApp({}, clock));
  });
  after(() => closeTestApp(deps, app));
  // One cast for the suite (resetting per test costs more than all the tests): every test
  // counts only the rows it made, through a fresh passenger or its own idempotency key.
  before(async () => {
    await resetState(deps);
    cast = await createCast(deps);
  });
  beforeEach(() => {
    now = start;
  });

  const ordersOf = async (passengerId: number) =>
    Number(
      (
        (await deps.db
          .knex('orders')
          .where('passenger_id', passengerId)
          .count({ n: '*' })
          .first()) as {
          n: number;
        }
      ).n,
    );
  const freshPassenger = async (overrides: Parameters<typeof createPassenger>[2] = {}) => {
    const made = await createPassenger(deps, cast.region.id, overrides);
    return { ...made, token: await tokenFor(deps, made.user) };
  };

  const post = (token: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
    app.request('POST', '/api/orders/', { token, body, headers });

  const outboxFor = (orderId: string) =>
    deps.db
      .knex('outbox_messages')
      .whereRaw(`payload->>'order_id' = ?`, [orderId])
      .orderBy('id')
      .select('topic', 'job_id', 'available_at');

  it('when a passenger books as soon as possible, then 201 in matching with its events and owed jobs', async () => {
    const res = await post(cast.passengerA.token, orderBody());
    expect(res.status).to.equal(201);
    expect(res.body.id).to.match(/^order_[0-9A-Z]{26}$/);
    expect(res.body).to.include({
      status: 'matching',
      version: 2,
      region_id: 'atyrau_center',
      seats_needed: 1,
      has_companion: false,
      needs_wheelchair_access: false,
      desired_pickup_time: null,
      driver: null,
    });
    expect(res.body.passenger.id).to.equal(cast.passengerA.passenger.id);
    expect(res.body.created_at).to.equal(start.toISOString());

    const events = await deps.db.knex('order_events').where('order_id', res.body.id).orderBy('id');
    expect(events.map((e) => [e.version, e.from_status, e.to_status])).to.deep.equal([
      [1, null, 'submitted'],
      [2, 'submitted', 'matching'],
    ]);
    const outbox = await outboxFor(res.body.id);
    expect(outbox.map((m) => m.topic)).to.have.members([
      'realtime.order-changed',
      'dispatch.match-order',
    ]);
    const match = outbox.find((m) => m.topic === 'dispatch.match-order')!;
    expect(match.job_id).to.equal(`match-${res.body.id}-v2`);
    expect(new Date(match.available_at).toISOString()).to.equal(start.toISOString());
  });

  it('when booked beyond the lead time, then active_queue with a job owed lead minutes before pickup', async () => {
    const pickup = new Date(start.getTime() + minutes(120));
    const res = await post(
      cast.passengerA.token,
      orderBody({ desired_pickup_time: pickup.toISOString() }),
    );
    expect(res.status).to.equal(201);
    expect(res.body.status).to.equal('active_queue');
    expect(res.body.desired_pickup_time).to.equal(pickup.toISOString());
    const match = (await outboxFor(res.body.id)).find((m) => m.topic === 'dispatch.match-order')!;
    expect(new Date(match.available_at).toISOString()).to.equal(
      new Date(pickup.getTime() - minutes(30)).toISOString(),
    );
  });

  it('when booked within the lead time, then matching at once', async () => {
    const pickup = new Date(start.getTime() + minutes(20));
    const res = await post(
      cast.passengerA.token,
      orderBody({ desired_pickup_time: pickup.toISOString() }),
    );
    expect(res.body.status).to.equal('matching');
  });

  it('when review is manual, then the order waits for the dispatcher and no match job is owed', async () => {
    const { deps: manualDeps, app: manualApp } = await openTestApp(
      { DISPATCH_REVIEW: 'manual' },
      clock,
    );
    try {
      const res = await manualApp.request('POST', '/api/orders/', {
        token: cast.passengerA.token,
        body: orderBody(),
      });
      expect(res.status).to.equal(201);
      expect(res.body.status).to.equal('awaiting_dispatcher_decision');
      const topics = (await outboxFor(res.body.id)).map((m) => m.topic);
      expect(topics).to.deep.equal(['realtime.order-changed']);
    } finally {
      await closeTestApp(manualDeps, manualApp);
    }
  });

  describe('booking window', () => {
    const cases: [string, number, number][] = [
      ['one minute in the past', -1, 400],
      ['now', 0, 201],
      ['exactly 30 days ahead', 30 * 24 * 60, 201],
      ['30 days and a minute ahead', 30 * 24 * 60 + 1, 400],
    ];
    for (const [name, offsetMinutes, status] of cases) {
      it(`when the pickup time is ${name}, then ${status}`, async () => {
        const time = new Date(start.getTime() + minutes(offsetMinutes)).toISOString();
        const res = await post(cast.passengerA.token, orderBody({ desired_pickup_time: time }));
        expect(res.status).to.equal(status);
        if (status === 400) {
          expect(res.body.code).to.equal('validation_failed');
          expect(res.body.fields).to.have.property('desired_pickup_time');
        }
      });
    }

    it('when the pickup time has no zone (Dart toIso8601String of a local time), then it is wall-clock time in TIME_ZONE and the answer carries the zone', async () => {
      // TIME_ZONE is Asia/Atyrau (UTC+05:00 all year): 2 hours ahead, as the phone shows it.
      const pickup = new Date(start.getTime() + minutes(120));
      const local = new Date(pickup.getTime() + 5 * 3600_000).toISOString().slice(0, 23);
      expect(local).to.not.include('Z');
      const res = await post(cast.passengerA.token, orderBody({ desired_pickup_time: local }));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.desired_pickup_time).to.equal(pickup.toISOString());
    });

    it('when the pickup time is not a time, then 400 by field', async () => {
      for (const value of ['2026-11-26 10:00', '2026-02-30T10:00:00', 'tomorrow', 1764150000]) {
        const res = await post(cast.passengerA.token, orderBody({ desired_pickup_time: value }));
        expect(res.status, String(value)).to.equal(400);
        expect(res.body.fields).to.have.property('desired_pickup_time');
      }
    });
  });

  describe('companion and wheelchair', () => {
    it('when a companion comes along, then two seats are needed', async () => {
      const res = await post(cast.passengerA.token, orderBody({ has_companion: true }));
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ has_companion: true, seats_needed: 2 });
    });

    it('when the passenger may not bring a companion, then 400 on has_companion', async () => {
      const solo = await freshPassenger({ allowed_companion: false });
      const res = await post(solo.token, orderBody({ has_companion: true }));
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('has_companion');
      expect(await ordersOf(solo.passenger.id)).to.equal(0);
    });

    it('when the passenger travels in a wheelchair, then wheelchair access is the default', async () => {
      const rider = await createPassenger(deps, cast.region.id, { mobility_aid: 'wheelchair' });
      const token = await tokenFor(deps, rider.user);
      const byDefault = await post(token, orderBody());
      expect(byDefault.body.needs_wheelchair_access).to.equal(true);
      const explicit = await post(token, orderBody({ needs_wheelchair_access: false }));
      expect(explicit.body.needs_wheelchair_access).to.equal(false);
    });

    it('when the passenger uses a walker, then wheelchair access defaults to false', async () => {
      const rider = await createPassenger(deps, cast.region.id, { mobility_aid: 'cane_or_walker' });
      const res = await post(await tokenFor(deps, rider.user), orderBody());
      expect(res.body.needs_wheelchair_access).to.equal(false);
    });
  });

  describe('region of the pickup', () => {
    it('when the pickup is inside another region’s polygon, then that region is used', async () => {
      await createRegion(deps, {
        id: 'makhambet',
        center_lat: 47.3,
        center_lon: 51.6,
        service_radius_meters: null,
        polygon_coordinates: [
          [47.2, 51.5],
          [47.2, 51.7],
          [47.4, 51.7],
          [47.4, 51.5],
        ],
      });
      const res = await post(
        cast.passengerA.token,
        orderBody({ pickup_lat: 47.3, pickup_lon: 51.6 }),
      );
      expect(res.body.region_id).to.equal('makhambet');
    });

    it('when the pickup is in no region, then the passenger’s region is used', async () => {
      await createRegion(deps, { id: 'far_away', center_lat: 43.2, center_lon: 76.9 });
      const res = await post(cast.passengerA.token, orderBody({ pickup_lat: 50, pickup_lon: 60 }));
      expect(res.body.region_id).to.equal('atyrau_center');
    });
  });

  describe('who may book', () => {
    it('when anonymous, then 401', async () => {
      expect((await post(undefined, orderBody())).status).to.equal(401);
    });

    it('when a driver books, then 403', async () => {
      expect((await post(cast.driverA.token, orderBody())).status).to.equal(403);
    });

    it('when a passenger has no profile yet, then 403 profile_required', async () => {
      const user = await createUser(deps, 'passenger');
      const res = await post(await tokenFor(deps, user), orderBody());
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('profile_required');
    });

    it('when the passenger profile is deactivated, then 403', async () => {
      const gone = await freshPassenger();
      // No use case deactivates the profile alone (deactivatePassenger ends the login too, and
      // then the answer is 401): the state an import or a data fix can leave.
      await deps.db.knex('passengers').where('id', gone.passenger.id).update({ is_active: false });
      const res = await post(gone.token, orderBody());
      expect(res.status).to.equal(403);
    });

    it('when a passenger names a passenger_id, status or driver_id, then 400 by field and nothing is booked', async () => {
      const rider = await freshPassenger();
      const res = await post(
        rider.token,
        orderBody({ passenger_id: cast.passengerB.passenger.id }),
      );
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('passenger_id');
      const sneaky = await post(
        rider.token,
        orderBody({ status: 'completed', driver_id: cast.driverA.driver.id }),
      );
      expect(sneaky.status).to.equal(400);
      expect(sneaky.body.fields).to.include.keys('status', 'driver_id');
      expect(await ordersOf(rider.passenger.id)).to.equal(0);
    });

    it('when staff book for a passenger, then the order is theirs and the creator is staff', async () => {
      const res = await post(
        cast.dispatcher.token,
        orderBody({ passenger_id: cast.passengerB.passenger.id }),
      );
      expect(res.status).to.equal(201);
      expect(res.body.passenger.id).to.equal(cast.passengerB.passenger.id);
      const row = await deps.db.knex('orders').where('id', res.body.id).first();
      expect(row.created_by_user_id).to.equal(cast.dispatcher.user.id);
      const event = await deps.db.knex('order_events').where('order_id', res.body.id).first();
      expect(event.actor_role).to.equal('dispatcher');
    });

    it('when staff omit passenger_id or name an unknown one, then 400 by field', async () => {
      const missing = await post(cast.admin.token, orderBody());
      expect(missing.status).to.equal(400);
      expect(missing.body.fields).to.have.property('passenger_id');
      const unknown = await post(cast.admin.token, orderBody({ passenger_id: 999_999 }));
      expect(unknown.status).to.equal(400);
      expect(unknown.body.fields).to.have.property('passenger_id');
    });
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a latitude of 91', { pickup_lat: 91 }, 'pickup_lat'],
      ['a longitude of -181', { dropoff_lon: -181 }, 'dropoff_lon'],
      ['a latitude as a string', { pickup_lat: '47.1' }, 'pickup_lat'],
      ['has_companion as "true"', { has_companion: 'true' }, 'has_companion'],
      [
        'needs_wheelchair_access as "false"',
        { needs_wheelchair_access: 'false' },
        'needs_wheelchair_access',
      ],
      ['a blank pickup title', { pickup_title: '   ' }, 'pickup_title'],
      ['a missing dropoff title', { dropoff_title: undefined }, 'dropoff_title'],
      ['a title as a number', { pickup_title: 42 }, 'pickup_title'],
      ['an unknown field', { colour: 'red' }, 'colour'],
    ];
    for (const [name, overrides, field] of cases) {
      it(`when the body has ${name}, then 400 naming ${field}`, async () => {
        const res = await post(cast.passengerA.token, orderBody(overrides));
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ code: 'validation_failed' });
        expect(res.body.error).to.be.a('string');
        expect(res.body.fields).to.have.property(field);
      });
    }

    it('when the body is not JSON, then 400 in the contract shape', async () => {
      const res = await app.request('POST', '/api/orders/', {
        token: cast.passengerA.token,
        rawBody: '{"pickup_title": ',
      });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
    });

    it('when the body is an array, then 400', async () => {
      const res = await post(cast.passengerA.token, [orderBody()]);
      expect(res.status).to.equal(400);
    });

    it('when the body is larger than BODY_LIMIT_KB, then 413 in the contract shape', async () => {
      const res = await post(cast.passengerA.token, orderBody({ note: 'x'.repeat(70 * 1024) }));
      expect(res.status).to.equal(413);
      expect(res.body.code).to.equal('payload_too_large');
    });

    it('when the note is too long but the body fits, then 400 on note', async () => {
      const res = await post(cast.passengerA.token, orderBody({ note: 'x'.repeat(1001) }));
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('note');
    });
  });

  describe('idempotency', () => {
    it('when the same key is sent twice, then one order and the second answer is 200 with it', async () => {
      const rider = await freshPassenger();
      const headers = { 'Idempotency-Key': 'booking-123' };
      const first = await post(rider.token, orderBody(), headers);
      const second = await post(rider.token, orderBody({ note: 'retry' }), headers);
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(200);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
      expect(second.body.id).to.equal(first.body.id);
      expect(second.body.note).to.equal(null);
      expect(await ordersOf(rider.passenger.id)).to.equal(1);
    });

    it('when two requests with one key race, then exactly one order is made and both answer it', async () => {
      const rider = await freshPassenger();
      const headers = { 'Idempotency-Key': 'race-1' };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => post(rider.token, orderBody(), headers)),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 201)).to.have.length(1);
      expect(statuses.every((s) => s === 200 || s === 201)).to.equal(true);
      expect(new Set(answers.map((a) => a.body.id)).size).to.equal(1);
      expect(await ordersOf(rider.passenger.id)).to.equal(1);
      const jobs = await deps.db
        .knex('outbox_messages')
        .where('topic', 'dispatch.match-order')
        .whereRaw(`payload->>'order_id' = ?`, [answers[0]!.body.id]);
      expect(jobs).to.have.length(1);
    });

    it('when two users send the same key, then each gets their own order', async () => {
      const [one, two] = [await freshPassenger(), await freshPassenger()];
      const headers = { 'Idempotency-Key': 'shared-key' };
      const a = await post(one.token, orderBody(), headers);
      const b = await post(two.token, orderBody(), headers);
      expect([a.status, b.status]).to.deep.equal([201, 201]);
      expect(a.body.id).not.to.equal(b.body.id);
    });

    it('when different keys are sent, then two orders', async () => {
      const rider = await freshPassenger();
      await post(rider.token, orderBody(), { 'Idempotency-Key': 'k1' });
      await post(rider.token, orderBody(), { 'Idempotency-Key': 'k2' });
      expect(await ordersOf(rider.passenger.id)).to.equal(2);
    });

    it('when the key is longer than 200 characters, then 400', async () => {
      const res = await post(cast.passengerA.token, orderBody(), {
        'Idempotency-Key': 'k'.repeat(201),
      });
      expect(res.status).to.equal(400);
    });
  });

  it('when the pickup coordinate is given, then the view carries it as an object too', async () => {
    const res = await post(cast.passengerA.token, orderBody());
    expect(res.body.pickup_coordinate).to.deep.equal({ lat: atyrau.lat, lon: atyrau.lon });
  });
});
