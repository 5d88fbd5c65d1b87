import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { flushDriverPositions } from '../../lib/drivers/position-writer.js';
import { updateDriverLocation } from '../../lib/drivers/update-driver-location.js';
import { setDriverOnline } from '../../lib/drivers/set-driver-online.js';
import type { UserActor } from '../../lib/auth/actor.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { makeDriverBusy } from '../helpers/dispatch-fixtures.js';

const center = { lat: 47.1067, lon: 51.9167 };

describe('drivers', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  let dispatcher: string;
  let passenger: { token: string; id: number; userId: number };
  let alpha: { token: string; id: number; userId: number };
  let beta: { token: string; id: number; actor: UserActor };

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    await createRegion(deps, { id: 'atyrau_center' });
    await createRegion(deps, { id: 'avangard' });
    admin = await tokenFor(deps, await createUser(deps, 'admin'));
    dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    const p = await createPassenger(deps, 'atyrau_center');
    passenger = { token: await tokenFor(deps, p.user), id: p.passenger.id, userId: p.user.id };
    const a = await createDriver(deps, 'atyrau_center', {
      is_online: false,
      last_location_update: new Date(Date.now() - 60_000),
    });
    alpha = { token: await tokenFor(deps, a.user), id: a.driver.id, userId: a.user.id };
    const b = await createDriver(deps, 'avangard', { wheelchair_accessible: true });
    beta = { token: await tokenFor(deps, b.user), id: b.driver.id, actor: b.actor };
  });

  describe('reads', () => {
    it('when staff list drivers, then they come paginated with filters', async () => {
      const all = await app.request('GET', '/api/drivers/', { token: dispatcher });
      expect(all.status).to.equal(200);
      expect(all.body.count).to.equal(2);
      const online = await app.request('GET', '/api/drivers/?is_online=true', { token: admin });
      expect(online.body.results.map((d: { id: number }) => d.id)).to.deep.equal([beta.id]);
      const offline = await app.request('GET', '/api/drivers/?status=offline', { token: admin });
      expect(offline.body.results.map((d: { id: number }) => d.id)).to.deep.equal([alpha.id]);
      const region = await app.request('GET', '/api/drivers/?region_id=avangard', {
        token: admin,
      });
      expect(region.body.results.map((d: { id: number }) => d.id)).to.deep.equal([beta.id]);
      const paged = await app.request('GET', '/api/drivers/?page_size=1&page=2', {
        token: admin,
      });
      expect(paged.body.results.map((d: { id: number }) => d.id)).to.deep.equal([beta.id]);
      expect(paged.body.previous).to.contain('page=1');
    });

    it('when a filter value is wrong or unknown, then 400', async () => {
      for (const q of ['status=asleep', 'is_online=maybe', 'colour=red']) {
        const res = await app.request('GET', `/api/drivers/?${q}`, { token: admin });
        expect(res.status, q).to.equal(400);
      }
    });

    it('when a passenger or a driver lists drivers, then 403; anonymous 401', async () => {
      for (const token of [passenger.token, alpha.token]) {
        expect((await app.request('GET', '/api/drivers/', { token })).status).to.equal(403);
      }
      expect((await app.request('GET', '/api/drivers/')).status).to.equal(401);
    });

    it('when a driver reads themself, then 200; another driver, then 404; a passenger, 403', async () => {
      const own = await app.request('GET', `/api/drivers/${alpha.id}/`, { token: alpha.token });
      expect(own.status).to.equal(200);
      expect(own.body).to.have.keys(
        'id',
        'user',
        'name',
        'region',
        'car_model',
        'plate_number',
        'capacity',
        'wheelchair_accessible',
        'is_online',
        'status',
        'current_lat',
        'current_lon',
        'current_position',
        'last_location_update',
        'rating',
      );
      const other = await app.request('GET', `/api/drivers/${beta.id}/`, { token: alpha.token });
      expect(other.status).to.equal(404);
      const byPassenger = await app.request('GET', `/api/drivers/${beta.id}/`, {
        token: passenger.token,
      });
      expect(byPassenger.status).to.equal(403);
      const byStaff = await app.request('GET', `/api/drivers/${beta.id}/`, { token: dispatcher });
      expect(byStaff.body).to.include({ id: beta.id, is_active: true });
    });

    it('when a driver reads me/, then their own record', async () => {
      const res = await app.request('GET', '/api/drivers/me/', { token: beta.token });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ id: beta.id, wheelchair_accessible: true });
      const byPassenger = await app.request('GET', '/api/drivers/me/', { token: passenger.token });
      expect(byPassenger.status).to.equal(403);
    });
  });

  describe('location', () => {
    const patchLocation = (token: string, id: number, body: unknown) =>
      app.request('PATCH', `/api/drivers/${id}/location/`, { token, body });

    it('when an online driver reports a point, then it is stored and indexed', async () => {
      const res = await patchLocation(beta.token, beta.id, {
        lat: 47.11,
        lon: 51.92,
        heading: 90,
        speed: 8.5,
        accuracy: 5,
      });
      expect(res.status).to.equal(200);
      expect(res.body.current_position).to.deep.equal({ lat: 47.11, lon: 51.92 });
      const near = await deps.positionIndex.nearby({
        lat: 47.11,
        lon: 51.92,
        radiusMeters: 500,
        freshSince: new Date(Date.now() - 60_000),
      });
      expect(near.map((d) => d.driverId)).to.deep.equal([beta.id]);
      // PostgreSQL has it once the position writer has flushed.
      expect(await flushDriverPositions(deps)).to.equal(1);
      const row = await deps.db.knex('drivers').where({ id: beta.id }).first();
      expect(row).to.include({ current_lat: 47.11, current_lon: 51.92, heading: 90, speed: 8.5 });
      expect(row).to.include({ accuracy: 5 });
    });

    it('when an offline driver reports a point, then it is stored but not searchable', async () => {
      const res = await patchLocation(alpha.token, alpha.id, { lat: 47.12, lon: 51.93 });
      expect(res.status).to.equal(200);
      expect(res.body.current_lat).to.equal(47.12);
      const near = await deps.positionIndex.nearby({
        lat: 47.12,
        lon: 51.93,
        radiusMeters: 500,
        freshSince: new Date(0),
      });
      expect(near).to.have.length(0);
    });

    it('when a point is older than the stored one, then it is ignored with 200', async () => {
      const now = Date.now();
      await patchLocation(beta.token, beta.id, {
        lat: 47.11,
        lon: 51.92,
        recorded_at: new Date(now).toISOString(),
      });
      const late = await patchLocation(beta.token, beta.id, {
        lat: 47.0,
        lon: 51.8,
        recorded_at: new Date(now - 5000).toISOString(),
      });
      expect(late.status).to.equal(200);
      expect(late.body.current_position).to.deep.equal({ lat: 47.11, lon: 51.92 });
      const near = await deps.positionIndex.nearby({
        lat: 47.11,
        lon: 51.92,
        radiusMeters: 200,
        freshSince: new Date(0),
      });
      expect(near.map((d) => d.driverId)).to.deep.equal([beta.id]);
    });

    const badPoints: [string, Record<string, unknown>, string][] = [
      ['a latitude of 90.1', { lat: 90.1, lon: 51 }, 'lat'],
      ['a longitude of -180.5', { lat: 47, lon: -180.5 }, 'lon'],
      ['a heading of 361', { lat: 47, lon: 51, heading: 361 }, 'heading'],
      ['a negative speed', { lat: 47, lon: 51, speed: -1 }, 'speed'],
      ['a negative accuracy', { lat: 47, lon: 51, accuracy: -3 }, 'accuracy'],
      ['a string latitude', { lat: '47.1', lon: 51 }, 'lat'],
      ['no longitude', { lat: 47 }, 'lon'],
      ['a bad time', { lat: 47, lon: 51, recorded_at: 'yesterday' }, 'recorded_at'],
      ['a time 5 minutes ahead', { lat: 47, lon: 51, recorded_at: 'in 5 minutes' }, 'recorded_at'],
      ['an unknown field', { lat: 47, lon: 51, altitude: 3 }, 'altitude'],
    ];
    for (const [what, body, field] of badPoints) {
      it(`when a point has ${what}, then 400 on ${field}`, async () => {
        // Times relative to now are made when the test runs, not when the file loads.
        const res = await patchLocation(beta.token, beta.id, {
          ...body,
          ...(body.recorded_at === 'in 5 minutes'
            ? { recorded_at: new Date(Date.now() + 300_000).toISOString() }
            : {}),
        });
        expect(res.status).to.equal(400);
        expect(res.body.fields).to.have.property(field);
      });
    }

    it('when the driver goes offline while their point is being indexed, then it is taken out again', async () => {
      const calls: string[] = [];
      const positionIndex = {
        ...deps.positionIndex,
        report: async (...args: Parameters<typeof deps.positionIndex.report>) => {
          calls.push('report');
          // The offline switch (its commit, then its index removal) lands while our read of
          // the driver is already on its way, just before our index write.
          await setDriverOnline(deps, beta.actor, { driverId: beta.id, isOnline: false });
          return deps.positionIndex.report(...args);
        },
        removeIfNotNewer: (...args: Parameters<typeof deps.positionIndex.removeIfNotNewer>) => {
          calls.push('remove');
          return deps.positionIndex.removeIfNotNewer(...args);
        },
      };
      const result = await updateDriverLocation({ ...deps, positionIndex }, beta.actor, {
        driverId: beta.id,
        point: { lat: 47.11, lon: 51.92 },
      });
      expect(result.accepted).to.equal(true);
      expect(calls[0]).to.equal('report');
      // Every writer's changes, not only this process's own (the HTTP app's earlier reports).
      await deps.positionIndex.sync();
      const near = await deps.positionIndex.nearby({
        lat: 47.11,
        lon: 51.92,
        radiusMeters: 500,
        freshSince: new Date(0),
      });
      expect(near, 'out of the index again').to.have.length(0);
    });

    it("when a driver reports another driver's position, then 404; staff 403", async () => {
      const body = { lat: 47, lon: 51 };
      expect((await patchLocation(alpha.token, beta.id, body)).status).to.equal(404);
      expect((await patchLocation(dispatcher, beta.id, body)).status).to.equal(403);
      expect((await patchLocation(passenger.token, beta.id, body)).status).to.equal(403);
    });
  });

  describe('online status', () => {
    const setOnline = (token: string, id: number, body: unknown) =>
      app.request('PATCH', `/api/drivers/${id}/online-status/`, { token, body });

    it('when an offline driver goes online, then online_idle and searchable', async () => {
      const res = await setOnline(alpha.token, alpha.id, { is_online: true });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ is_online: true, status: 'online_idle' });
      const near = await deps.positionIndex.nearby({
        ...center,
        radiusMeters: 100,
        freshSince: new Date(0),
      });
      expect(near.map((d) => d.driverId)).to.include(alpha.id);
    });

    it('when a driver with no position yet goes offline and online again, then their next report is searchable', async () => {
      const fresh = await createDriver(deps, 'atyrau_center', {
        current_lat: null,
        current_lon: null,
      });
      const token = await tokenFor(deps, fresh.user);
      expect((await setOnline(token, fresh.driver.id, { is_online: false })).status).to.equal(200);
      expect((await setOnline(token, fresh.driver.id, { is_online: true })).status).to.equal(200);
      const report = await app.request('PATCH', `/api/drivers/${fresh.driver.id}/location/`, {
        token,
        body: center,
      });
      expect(report.status).to.equal(200);
      const near = await deps.positionIndex.nearby({
        ...center,
        radiusMeters: 100,
        freshSince: new Date(0),
      });
      expect(near.map((d) => d.driverId)).to.include(fresh.driver.id);
    });

    it('when a free driver goes offline, then offline and out of the index', async () => {
      await app.request('PATCH', `/api/drivers/${beta.id}/location/`, {
        token: beta.token,
        body: center,
      });
      const res = await setOnline(beta.token, beta.id, { is_online: false });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ is_online: false, status: 'offline' });
      const near = await deps.positionIndex.nearby({
        ...center,
        radiusMeters: 100,
        freshSince: new Date(0),
      });
      expect(near).to.have.length(0);
    });

    for (const body of [{ is_online: 'false' }, { is_online: 0 }, {}, { is_online: true, x: 1 }]) {
      it(`when the body is ${JSON.stringify(body)}, then 400`, async () => {
        const res = await setOnline(beta.token, beta.id, body);
        expect(res.status).to.equal(400);
        const row = await deps.db.knex('drivers').where({ id: beta.id }).first();
        expect(row.is_online).to.equal(true);
      });
    }

    it('when a driver on an active trip goes offline, then 409', async () => {
      await makeDriverBusy(deps, { id: beta.id, region_id: 'avangard' }, 'enroute_to_pickup');
      const res = await setOnline(beta.token, beta.id, { is_online: false });
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('active_order');
    });

    it('when a driver holding an offer goes offline, then 409', async () => {
      await makeDriverBusy(deps, { id: beta.id, region_id: 'avangard' }, 'offered');
      const res = await setOnline(beta.token, beta.id, { is_online: false });
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('pending_offer');
    });

    it('when a driver switches another driver, then 404', async () => {
      const res = await setOnline(alpha.token, beta.id, { is_online: false });
      expect(res.status).to.equal(404);
    });
  });

  describe('back office', () => {
    const newDriver = {
      phone: '8 705 111 22 33',
      name: 'Ерлан',
      region_id: 'avangard',
      car_model: 'Ford Transit',
      plate_number: '777ATY06',
      capacity: 6,
      wheelchair_accessible: true,
    };

    it('when an admin creates a driver, then the user exists, offline, audited', async () => {
      const res = await app.request('POST', '/api/drivers/', { token: admin, body: newDriver });
      expect(res.status).to.equal(201);
      expect(res.body).to.include({ name: 'Ерлан', is_online: false, status: 'offline' });
      expect(res.body.user).to.include({ phone: '+77051112233', role: 'driver' });
      const audit = await deps.db
        .knex('audit_log')
        .where({ entity_type: 'driver', entity_id: String(res.body.id) });
      expect(audit).to.have.length(1);
      expect(audit[0].changes).to.include({ plate_number: '777ATY06' });
    });

    it('when the plate is taken, then 409 on plate_number and nothing is written', async () => {
      await app.request('POST', '/api/drivers/', { token: admin, body: newDriver });
      const res = await app.request('POST', '/api/drivers/', {
        token: admin,
        body: { ...newDriver, phone: '+77051112299' },
      });
      expect(res.status).to.equal(409);
      expect(res.body.fields).to.have.property('plate_number');
      const user = await deps.db.knex('users').where({ phone: '+77051112299' }).first();
      expect(user).to.equal(undefined);
    });

    it('when a dispatcher creates a driver, then 403', async () => {
      const res = await app.request('POST', '/api/drivers/', {
        token: dispatcher,
        body: newDriver,
      });
      expect(res.status).to.equal(403);
    });

    it('when an admin edits a driver, then the vehicle changes', async () => {
      const res = await app.request('PATCH', `/api/drivers/${alpha.id}/`, {
        token: admin,
        body: { capacity: 3, region_id: 'avangard' },
      });
      expect(res.status).to.equal(200);
      expect(res.body.capacity).to.equal(3);
      expect(res.body.region.id).to.equal('avangard');
      const refused = await app.request('PATCH', `/api/drivers/${alpha.id}/`, {
        token: admin,
        body: { status: 'on_trip' },
      });
      expect(refused.status).to.equal(400);
    });

    it('when an admin deactivates a free driver, then driver and login stop', async () => {
      const res = await app.request('DELETE', `/api/drivers/${beta.id}/`, { token: admin });
      expect(res.status).to.equal(204);
      const row = await deps.db.knex('drivers').where({ id: beta.id }).first();
      expect(row).to.include({ is_active: false, is_online: false, status: 'offline' });
      expect((await app.request('GET', '/api/drivers/me/', { token: beta.token })).status).to.equal(
        401,
      );
      const audit = await deps.db.knex('audit_log').where({ action: 'deactivate' });
      expect(audit).to.have.length(1);
    });

    it('when an admin deactivates a driver on an active order, then 409 and nothing changes', async () => {
      await makeDriverBusy(deps, { id: beta.id, region_id: 'avangard' }, 'on_trip');
      const res = await app.request('DELETE', `/api/drivers/${beta.id}/`, { token: admin });
      expect(res.status).to.equal(409);
      const row = await deps.db.knex('drivers').where({ id: beta.id }).first();
      expect(row.is_active).to.equal(true);
    });
  });
});
