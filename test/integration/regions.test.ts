import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { createRegion, createUser, tokenFor } from '../helpers/factories.js';

const square: [number, number][] = [
  [47.1, 51.9],
  [47.1, 51.95],
  [47.12, 51.95],
  [47.12, 51.9],
];

describe('regions', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  let dispatcher: string;
  let passenger: string;
  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    admin = await tokenFor(deps, await createUser(deps, 'admin'));
    dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    passenger = await tokenFor(deps, await createUser(deps, 'passenger'));
  });

  it('when anyone lists regions, then active ones come paginated in id order', async () => {
    for (const id of ['c_region', 'a_region', 'b_region']) await createRegion(deps, { id });
    const res = await app.request('GET', '/api/regions/?page_size=2');
    expect(res.status).to.equal(200);
    expect(res.body.count).to.equal(3);
    expect(res.body.results.map((r: { id: string }) => r.id)).to.deep.equal([
      'a_region',
      'b_region',
    ]);
    expect(res.body.next).to.match(/\/api\/regions\/\?page_size=2&page=2$/);
    expect(res.body.previous).to.equal(null);
    const second = await app.request('GET', '/api/regions/?page=2&page_size=2');
    expect(second.body.results.map((r: { id: string }) => r.id)).to.deep.equal(['c_region']);
    expect(second.body.next).to.equal(null);
    expect(second.body.previous).to.contain('page=1');
  });

  it('when page_size is over 100 or page is 0, then 400', async () => {
    expect((await app.request('GET', '/api/regions/?page_size=101')).status).to.equal(400);
    expect((await app.request('GET', '/api/regions/?page=0')).status).to.equal(400);
  });

  it('when one region is read, then it has the contract shape', async () => {
    await createRegion(deps, { id: 'atyrau_center', polygon_coordinates: square });
    const res = await app.request('GET', '/api/regions/atyrau_center/');
    expect(res.status).to.equal(200);
    expect(res.body).to.have.keys(
      'id',
      'title',
      'center_lat',
      'center_lon',
      'center',
      'polygon_coordinates',
      'service_radius_meters',
    );
    expect(res.body.polygon_coordinates).to.deep.equal(square);
    expect((await app.request('GET', '/api/regions/nowhere/')).status).to.equal(404);
  });

  it('when an admin creates a region, then it is listed and audited', async () => {
    const body = {
      id: 'avangard',
      title: 'Авангард',
      center_lat: 47.11,
      center_lon: 51.925,
      polygon_coordinates: square,
      service_radius_meters: 2500,
    };
    const res = await app.request('POST', '/api/regions/', { token: admin, body });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ id: 'avangard', is_active: true });
    const again = await app.request('POST', '/api/regions/', { token: admin, body });
    expect(again.status).to.equal(409);
    const audit = await deps.db.knex('audit_log').where({ entity_type: 'region' });
    expect(audit).to.have.length(1);
    expect(audit[0]).to.include({ action: 'create', entity_id: 'avangard' });
  });

  it('when a non-admin writes a region, then 401 or 403', async () => {
    const body = { id: 'x', title: 'X', center_lat: 47, center_lon: 51 };
    expect((await app.request('POST', '/api/regions/', { body })).status).to.equal(401);
    for (const token of [dispatcher, passenger]) {
      expect((await app.request('POST', '/api/regions/', { token, body })).status).to.equal(403);
    }
  });

  const badBodies: [string, Record<string, unknown>, string][] = [
    ['two points', { polygon_coordinates: square.slice(0, 2) }, 'polygon_coordinates'],
    ['a latitude of 91', { polygon_coordinates: [[91, 51], ...square] }, 'polygon_coordinates'],
    [
      'a point of three numbers',
      { polygon_coordinates: [[47, 51, 1], ...square] },
      'polygon_coordinates',
    ],
    ['a zero radius', { service_radius_meters: 0 }, 'service_radius_meters'],
    ['a negative radius', { service_radius_meters: -5 }, 'service_radius_meters'],
    ['a centre off the map', { center_lon: 181 }, 'center_lon'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a slug with capitals', { id: 'Bad-Id' }, 'id'],
  ];
  for (const [what, patch, field] of badBodies) {
    it(`when a region has ${what}, then 400 on ${field}`, async () => {
      const body = { id: 'ok_id', title: 'T', center_lat: 47.1, center_lon: 51.9, ...patch };
      const res = await app.request('POST', '/api/regions/', { token: admin, body });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property(field);
    });
  }

  it('when an admin edits a region, then the change is kept and audited', async () => {
    await createRegion(deps, { id: 'geolog' });
    const res = await app.request('PATCH', '/api/regions/geolog/', {
      token: admin,
      body: { title: 'Геолог', service_radius_meters: null },
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ title: 'Геолог', service_radius_meters: null });
    const missing = await app.request('PATCH', '/api/regions/none/', {
      token: admin,
      body: { title: 'x' },
    });
    expect(missing.status).to.equal(404);
    const audit = await deps.db
      .knex('audit_log')
      .where({ entity_id: 'geolog', action: 'update' })
      .first();
    expect(audit.changes).to.deep.equal({ title: 'Геолог', service_radius_meters: null });
  });

  it('when an admin deactivates a region, then it leaves public reads but staff still see it', async () => {
    await createRegion(deps, { id: 'nursaya' });
    await createRegion(deps, { id: 'balykshy' });
    const res = await app.request('DELETE', '/api/regions/nursaya/', { token: admin });
    expect(res.status).to.equal(204);
    const list = await app.request('GET', '/api/regions/');
    expect(list.body.results.map((r: { id: string }) => r.id)).to.deep.equal(['balykshy']);
    expect((await app.request('GET', '/api/regions/nursaya/')).status).to.equal(404);
    const staffRead = await app.request('GET', '/api/regions/nursaya/', { token: dispatcher });
    expect(staffRead.body).to.include({ id: 'nursaya', is_active: false });
    const staffList = await app.request('GET', '/api/regions/?include_inactive=true', {
      token: dispatcher,
    });
    expect(staffList.body.count).to.equal(2);
    const publicAll = await app.request('GET', '/api/regions/?include_inactive=true');
    expect(publicAll.status).to.equal(403);
    const row = await deps.db.knex('regions').where({ id: 'nursaya' }).first();
    expect(row.is_active).to.equal(false);
    const audit = await deps.db.knex('audit_log').where({ action: 'deactivate' });
    expect(audit).to.have.length(1);
  });

  it('when a region is reactivated, then it is public again', async () => {
    await createRegion(deps, { id: 'zhilgorodok' });
    await app.request('DELETE', '/api/regions/zhilgorodok/', { token: admin });
    const res = await app.request('PATCH', '/api/regions/zhilgorodok/', {
      token: admin,
      body: { is_active: true },
    });
    expect(res.status).to.equal(200);
    expect((await app.request('GET', '/api/regions/zhilgorodok/')).status).to.equal(200);
  });
});
