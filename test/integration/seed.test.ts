import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { seedDemo } from '../../lib/seed/seed-demo.js';
import { seedRegions } from '../../db/seeds/atyrau-demo.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { updateRegion } from '../../lib/regions/manage-regions.js';
import { fixtureAdmin } from '../helpers/factories.js';

const tables = ['regions', 'users', 'drivers', 'passengers'] as const;

describe('demo seed', () => {
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(() => resetState(deps));

  const countRows = async () => {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const row = (await deps.db.knex(table).count({ n: '*' }).first()) as { n: number };
      counts[table] = row.n;
    }
    return counts;
  };

  it('when the seed runs twice, then the second run creates and updates nothing', async () => {
    const first = await seedDemo(deps);
    expect(first.regions.created).to.equal(8);
    expect(first.drivers.created).to.equal(30);
    expect(first.passengers.created).to.equal(50);
    const afterFirst = await countRows();
    expect(afterFirst).to.deep.equal({ regions: 8, users: 82, drivers: 30, passengers: 50 });
    const updatedAt = await deps.db.knex('passengers').max('updated_at as at').first();

    const second = await seedDemo(deps);
    for (const table of tables) {
      expect(second[table], table).to.include({ created: 0, updated: 0 });
    }
    expect(await countRows()).to.deep.equal(afterFirst);
    expect(await deps.db.knex('passengers').max('updated_at as at').first()).to.deep.equal(
      updatedAt,
    );
  });

  it('when seeded, then the fleet has the promised shape', async () => {
    await seedDemo(deps);
    const drivers = await deps.db.knex('drivers');
    expect(drivers.filter((d) => d.wheelchair_accessible)).to.have.length(10);
    expect(drivers.every((d) => d.capacity >= 3 && d.capacity <= 6)).to.equal(true);
    const online = drivers.filter((d) => d.is_online);
    expect(online).to.have.length(15);
    for (const d of online) {
      const region = seedRegions.find((r) => r.id === d.region_id)!;
      expect(d.current_lat).to.be.within(region.south, region.north);
      expect(d.current_lon).to.be.within(region.west, region.east);
      expect(Date.now() - new Date(d.last_location_update).getTime()).to.be.lessThan(60_000);
      expect(d.status).to.equal('online_idle');
    }
    const categories = await deps.db.knex('passengers').distinct('disability_category');
    expect(categories).to.have.length(4);
    const aids = await deps.db.knex('passengers').distinct('mobility_aid');
    expect(aids).to.have.length(4);
  });

  it('when seeded, then the fixed accounts exist and the test driver is searchable', async () => {
    await seedDemo(deps);
    const users = await deps.db
      .knex('users')
      .whereIn('phone', ['+77777777777', '+79001001010', '+77000000001', '+77000000000'])
      .orderBy('phone')
      .select('phone', 'role');
    expect(users).to.deep.equal([
      { phone: '+77000000000', role: 'admin' },
      { phone: '+77000000001', role: 'dispatcher' },
      { phone: '+77777777777', role: 'passenger' },
      { phone: '+79001001010', role: 'driver' },
    ]);
    const testDriver = await deps.db
      .knex('drivers as d')
      .join('users as u', 'u.id', 'd.user_id')
      .where('u.phone', '+79001001010')
      .first('d.*');
    expect(testDriver).to.include({
      region_id: 'atyrau_center',
      is_online: true,
      wheelchair_accessible: true,
    });
    const near = await deps.positionIndex.nearby({
      lat: testDriver.current_lat,
      lon: testDriver.current_lon,
      radiusMeters: 50,
      freshSince: new Date(Date.now() - 60_000),
    });
    expect(near.map((n) => n.driverId)).to.include(testDriver.id);
  });

  it('when the seeded test passenger logs in with the test code, then they have a profile', async () => {
    await seedDemo(deps);
    await app.request('POST', '/api/auth/phone-login/', { body: { phone: '+7 777 777 77 77' } });
    const res = await app.request('POST', '/api/auth/verify-otp/', {
      body: { phone: '+7 777 777 77 77', code: '111111' },
    });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ role: 'passenger', has_profile: true, is_new_user: false });
    const me = await app.request('GET', '/api/passengers/me/', { token: res.body.access });
    expect(me.body.region.id).to.equal('atyrau_center');
  });

  it('when a seeded area is edited by an admin, then a re-run restores only that field', async () => {
    await seedDemo(deps);
    await updateRegion(deps, (await fixtureAdmin(deps)).actor, {
      id: 'geolog',
      changes: { title: 'Edited' },
    });
    const again = await seedDemo(deps);
    expect(again.regions).to.deep.equal({ created: 0, updated: 1, unchanged: 7 });
    const row = await deps.db.knex('regions').where({ id: 'geolog' }).first();
    expect(row.title).to.equal('Геолог');
  });
});
