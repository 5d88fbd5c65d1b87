import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { createDriver, tokenFor } from '../helpers/factories.js';
import { assignOrder, bookOrder, createCast, type Cast } from '../helpers/order-fixtures.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const start = new Date('2026-11-26T08:00:00.000Z');
const at = (minute: number) => new Date(start.getTime() + minute * 60_000);

describe('reading orders', () => {
  let now = start;
  const clock: Clock = { now: () => now };
  let deps: AppDeps;
  let app: TestApp;
  let cast: Cast;
  /** A1 (minute 0), A2 (1, assigned to driver A), A3 (2, cancelled), B1 (3), B2 (4). */
  let ids: Record<'a1' | 'a2' | 'a3' | 'b1' | 'b2', string>;

  before(async () => {
    ({ deps, app } = await openTestApp({}, clock));
  });
  after(() => closeTestApp(deps, app));
  // Every test here only reads, so the data is made once.
  before(async () => {
    await resetState(deps);
    cast = await createCast(deps);
    const book = async (minute: number, token: string, title: string) => {
      now = at(minute);
      return (await bookOrder(app, token, { pickup_title: title })).id as string;
    };
    ids = {
      a1: await book(0, cast.passengerA.token, 'Satpayev 1'),
      a2: await book(1, cast.passengerA.token, 'Central market'),
      a3: await book(2, cast.passengerA.token, 'Railway station'),
      b1: await book(3, cast.passengerB.token, 'Airport'),
      b2: await book(4, cast.passengerB.token, 'Polyclinic No. 3'),
    };
    await assignOrder(app, cast.dispatcher.token, ids.a2, cast.driverA.driver.id);
    const cancelled = await app.request('PATCH', `/api/orders/${ids.a3}/status/`, {
      token: cast.passengerA.token,
      body: { status: 'cancelled', reason: 'plans changed' },
    });
    expect(cancelled.status).to.equal(200);
  });

  const get = (path: string, token?: string) => app.request('GET', path, { token });
  const idsOf = (body: any) => body.results.map((o: any) => o.id);

  describe('list scope', () => {
    it('when anonymous, then 401', async () => {
      expect((await get('/api/orders/')).status).to.equal(401);
    });

    it('when passenger A lists, then only their orders, newest first', async () => {
      const res = await get('/api/orders/', cast.passengerA.token);
      expect(res.status).to.equal(200);
      expect(res.body.count).to.equal(3);
      expect(idsOf(res.body)).to.deep.equal([ids.a3, ids.a2, ids.a1]);
    });

    it('when passenger B lists, then only theirs', async () => {
      const res = await get('/api/orders/', cast.passengerB.token);
      expect(idsOf(res.body)).to.deep.equal([ids.b2, ids.b1]);
    });

    it('when driver A lists, then only the order assigned to them; driver B sees none', async () => {
      expect(idsOf((await get('/api/orders/', cast.driverA.token)).body)).to.deep.equal([ids.a2]);
      expect((await get('/api/orders/', cast.driverB.token)).body.count).to.equal(0);
    });

    it('when staff list, then all orders', async () => {
      for (const token of [cast.dispatcher.token, cast.admin.token]) {
        const res = await get('/api/orders/', token);
        expect(idsOf(res.body)).to.deep.equal([ids.b2, ids.b1, ids.a3, ids.a2, ids.a1]);
      }
    });

    it('when passenger A filters by passenger B, then nothing (filters never widen scope)', async () => {
      const res = await get(
        `/api/orders/?passenger_id=${cast.passengerB.passenger.id}`,
        cast.passengerA.token,
      );
      expect(res.body.count).to.equal(0);
    });
  });

  describe('filters', () => {
    const staffList = async (query: string) => {
      const res = await get(`/api/orders/?${query}`, cast.dispatcher.token);
      return idsOf(res.body);
    };

    it('when filtered by one or several statuses, then only those', async () => {
      expect(await staffList('status=cancelled')).to.deep.equal([ids.a3]);
      expect(await staffList('status=assigned,cancelled')).to.deep.equal([ids.a3, ids.a2]);
      expect(await staffList('status=matching')).to.deep.equal([ids.b2, ids.b1, ids.a1]);
    });

    it('when a status is unknown, then 400 naming status', async () => {
      const res = await get('/api/orders/?status=matching,flying', cast.dispatcher.token);
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('status');
    });

    it('when filtered by passenger, driver or region, then only those', async () => {
      expect(await staffList(`passenger_id=${cast.passengerB.passenger.id}`)).to.deep.equal([
        ids.b2,
        ids.b1,
      ]);
      expect(await staffList(`driver_id=${cast.driverA.driver.id}`)).to.deep.equal([ids.a2]);
      expect(await staffList('region_id=atyrau_center')).to.have.length(5);
      expect(await staffList('region_id=elsewhere')).to.have.length(0);
    });

    it('when filtered by creation time, then after is inclusive and before exclusive', async () => {
      const after = encodeURIComponent(at(1).toISOString());
      const before = encodeURIComponent(at(3).toISOString());
      expect(await staffList(`created_after=${after}&created_before=${before}`)).to.deep.equal([
        ids.a3,
        ids.a2,
      ]);
    });

    it('when a filter has the wrong type, then 400 naming it', async () => {
      for (const query of ['passenger_id=abc', 'created_after=yesterday', 'page=0', 'colour=red']) {
        const res = await get(`/api/orders/?${query}`, cast.dispatcher.token);
        expect(res.status, query).to.equal(400);
        expect(Object.keys(res.body.fields)[0], query).to.equal(query.split('=')[0]);
      }
    });

    it('when staff search, then titles, passenger names and phones match', async () => {
      expect(await staffList('search=airport')).to.deep.equal([ids.b1]);
      expect(await staffList('search=NURLANOV')).to.deep.equal([ids.b2, ids.b1]);
      const phone = cast.passengerA.user.phone; // +7701…
      const national = `8${phone.slice(2)}`;
      expect(await staffList(`search=${encodeURIComponent(national)}`)).to.deep.equal([
        ids.a3,
        ids.a2,
        ids.a1,
      ]);
      expect(await staffList('search=100%25')).to.deep.equal([]);
    });

    it('when a passenger searches, then 400 (search is for staff)', async () => {
      const res = await get('/api/orders/?search=airport', cast.passengerA.token);
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('search');
    });
  });

  describe('pagination', () => {
    it('when paged by 2, then count, links and pages walk the whole list', async () => {
      const first = await get('/api/orders/?page_size=2', cast.dispatcher.token);
      expect(first.body.count).to.equal(5);
      expect(idsOf(first.body)).to.deep.equal([ids.b2, ids.b1]);
      expect(first.body.previous).to.equal(null);
      const nextUrl = new URL(first.body.next);
      expect(nextUrl.searchParams.get('page')).to.equal('2');
      const second = await get(`${nextUrl.pathname}${nextUrl.search}`, cast.dispatcher.token);
      expect(idsOf(second.body)).to.deep.equal([ids.a3, ids.a2]);
      const third = await get('/api/orders/?page_size=2&page=3', cast.dispatcher.token);
      expect(idsOf(third.body)).to.deep.equal([ids.a1]);
      expect(third.body.next).to.equal(null);
    });

    it('when the page size is over 100, then 400', async () => {
      const res = await get('/api/orders/?page_size=101', cast.dispatcher.token);
      expect(res.status).to.equal(400);
    });

    it('when a filter is paged, then the links keep the filter', async () => {
      const res = await get('/api/orders/?status=matching&page_size=1', cast.dispatcher.token);
      expect(res.body.count).to.equal(3);
      expect(new URL(res.body.next).searchParams.get('status')).to.equal('matching');
    });
  });

  describe('one order', () => {
    it('when the owner, the assigned driver or staff read it, then 200 with the full shape', async () => {
      for (const token of [
        cast.passengerA.token,
        cast.driverA.token,
        cast.dispatcher.token,
        cast.admin.token,
      ]) {
        const res = await get(`/api/orders/${ids.a2}/`, token);
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ id: ids.a2, status: 'assigned' });
        expect(res.body.driver.id).to.equal(cast.driverA.driver.id);
        expect(res.body).to.include.keys(
          'pickup_coordinate',
          'dropoff_coordinate',
          'status_display',
          'assigned_at',
          'assignment_reason',
          'video_recording',
          'upload_started',
        );
      }
    });

    it('when someone outside the scope reads it, then 404 like an unknown id', async () => {
      for (const token of [cast.passengerB.token, cast.driverB.token]) {
        const res = await get(`/api/orders/${ids.a2}/`, token);
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      }
      const unknown = await get('/api/orders/order_01ARZ3NDEKTSV4RRFFQ69G5FAV/', cast.admin.token);
      expect(unknown.status).to.equal(404);
    });

    it('when the path has no final slash, then it works too', async () => {
      expect((await get(`/api/orders/${ids.a1}`, cast.passengerA.token)).status).to.equal(200);
    });

    it('when Accept-Language is ru, then status_display is Russian', async () => {
      const res = await app.request('GET', `/api/orders/${ids.a1}/`, {
        token: cast.passengerA.token,
        headers: { 'accept-language': 'ru' },
      });
      expect(res.body.status_display).to.equal('Поиск водителя');
    });
  });

  describe('events', () => {
    it('when the owner reads the history, then every change with who, why and when', async () => {
      const res = await get(`/api/orders/${ids.a3}/events/`, cast.passengerA.token);
      expect(res.status).to.equal(200);
      expect(res.body.order_id).to.equal(ids.a3);
      expect(res.body.count).to.equal(3);
      const steps = res.body.results.map((e: any) => [
        e.version,
        e.from_status,
        e.to_status,
        e.actor_role,
      ]);
      expect(steps).to.deep.equal([
        [1, null, 'submitted', 'passenger'],
        [2, 'submitted', 'matching', 'passenger'],
        [3, 'matching', 'cancelled', 'passenger'],
      ]);
      const last = res.body.results[2];
      expect(last.reason).to.equal('plans changed');
      expect(last.actor_user_id).to.equal(cast.passengerA.user.id);
      expect(last.created_at).to.match(/Z$/);
      expect(last).to.have.all.keys(
        'id',
        'version',
        'from_status',
        'to_status',
        'actor_user_id',
        'actor_role',
        'reason',
        'created_at',
      );
    });

    it('when someone outside the scope reads the history, then 404', async () => {
      expect((await get(`/api/orders/${ids.a3}/events/`, cast.passengerB.token)).status).to.equal(
        404,
      );
      expect((await get(`/api/orders/${ids.a1}/events/`, cast.driverA.token)).status).to.equal(404);
    });
  });

  describe('party lists', () => {
    it('when a passenger reads their own list, then 200; another passenger’s, then 403', async () => {
      const own = await get(
        `/api/orders/passenger/${cast.passengerA.passenger.id}/`,
        cast.passengerA.token,
      );
      expect(own.status).to.equal(200);
      expect(idsOf(own.body)).to.deep.equal([ids.a3, ids.a2, ids.a1]);
      const other = await get(
        `/api/orders/passenger/${cast.passengerB.passenger.id}/`,
        cast.passengerA.token,
      );
      expect(other.status).to.equal(403);
    });

    it('when a driver reads their own list, then 200; another driver’s or a passenger’s, then 403', async () => {
      const own = await get(`/api/orders/driver/${cast.driverA.driver.id}/`, cast.driverA.token);
      expect(idsOf(own.body)).to.deep.equal([ids.a2]);
      expect(
        (await get(`/api/orders/driver/${cast.driverA.driver.id}/`, cast.driverB.token)).status,
      ).to.equal(403);
      expect(
        (await get(`/api/orders/passenger/${cast.passengerA.passenger.id}/`, cast.driverA.token))
          .status,
      ).to.equal(403);
    });

    it('when staff read a party list, then that party’s orders with filters', async () => {
      const res = await get(
        `/api/orders/passenger/${cast.passengerA.passenger.id}/?status=cancelled`,
        cast.dispatcher.token,
      );
      expect(idsOf(res.body)).to.deep.equal([ids.a3]);
      const driverList = await get(
        `/api/orders/driver/${cast.driverB.driver.id}/`,
        cast.admin.token,
      );
      expect(driverList.body.count).to.equal(0);
    });

    it('when the party id is not a number, then 404', async () => {
      expect((await get('/api/orders/passenger/abc/', cast.admin.token)).status).to.equal(404);
    });

    it('when a driver without assignments reads their list, then it is empty', async () => {
      const idle = await createDriver(deps, cast.region.id);
      const token = await tokenFor(deps, idle.user);
      const res = await get(`/api/orders/driver/${idle.driver.id}/`, token);
      expect(res.body).to.deep.include({ count: 0, results: [] });
    });
  });
});
