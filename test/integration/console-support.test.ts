import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { consoleDistDir } from '../../api/http/routes/console.routes.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { createPassenger, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';

describe('what the console needs from the web process', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  let dispatcher: string;

  before(async () => {
    ({ deps, app } = await openTestApp({
      CONSOLE_TILE_URL: 'https://tiles.example.kz/{z}/{x}/{y}.png',
      REALTIME_PORT: '3901',
    }));
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    admin = await tokenFor(deps, await createUser(deps, 'admin'));
    dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
  });

  it('when an admin gives a staff account a full name, then the API shows it and dispatchers read it', async () => {
    const created = await app.request('POST', '/api/users/', {
      token: admin,
      body: { phone: '+77001234567', role: 'dispatcher', full_name: 'Aigul Dispatcher' },
    });
    expect(created.status).to.equal(201);
    expect(created.body.full_name).to.equal('Aigul Dispatcher');
    const renamed = await app.request('PATCH', `/api/users/${created.body.id}/`, {
      token: admin,
      body: { full_name: 'Aigul K.' },
    });
    expect(renamed.body.full_name).to.equal('Aigul K.');
    const read = await app.request('GET', `/api/users/${created.body.id}/`, { token: dispatcher });
    expect(read.body.full_name).to.equal('Aigul K.');
    const refused = await app.request('PATCH', `/api/users/${created.body.id}/`, {
      token: dispatcher,
      body: { full_name: 'X' },
    });
    expect(refused.status).to.equal(403);
  });

  it('when a driver has trips today, then trips-today counts them for staff only', async () => {
    const region = await createRegion(deps);
    const { passenger } = await createPassenger(deps, region.id);
    const { driver } = await placeDriver(deps, region.id, 1);
    const orderId = await createOrderIn(deps, passenger);
    const assigned = await app.request('POST', `/api/dispatch/assign/${orderId}/`, {
      token: dispatcher,
      body: { driver_id: driver.id },
    });
    expect(assigned.status, JSON.stringify(assigned.body)).to.equal(200);
    const trips = await app.request('GET', '/api/drivers/trips-today/', { token: dispatcher });
    expect(trips.body).to.deep.equal({ trips_today: { [String(driver.id)]: 1 } });
    const passengerToken = await tokenFor(deps, { id: passenger.user_id, role: 'passenger' });
    const refused = await app.request('GET', '/api/drivers/trips-today/', {
      token: passengerToken,
    });
    expect(refused.status).to.equal(403);
  });

  it('when the browser asks for /console/, then it gets the page, its settings and a CSP open only to realtime and the tiles', async () => {
    const settings = await app.request('GET', '/console/config.json');
    expect(settings.body).to.deep.equal({
      tile_url: 'https://tiles.example.kz/{z}/{x}/{y}.png',
      realtime_url: `http://127.0.0.1:3901`,
      position_fresh_seconds: deps.config.dispatch.positionFreshSeconds,
    });
    const csp = settings.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("connect-src 'self' http://127.0.0.1:3901 ws://127.0.0.1:3901");
    expect(csp).to.include("img-src 'self' data: https://tiles.example.kz");
    expect(csp).to.include("script-src 'self';");

    const redirect = await fetch(`${app.baseUrl}/console`, { redirect: 'manual' });
    expect(redirect.status).to.equal(302);
    expect(redirect.headers.get('location')).to.equal('/console/');
    if (!consoleDistDir()) return; // Built by `npm test`'s pretest; a bare mocha run may lack it.
    const page = await fetch(`${app.baseUrl}/console/orders/deep-link`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.include('<div id="app">');
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const script = await fetch(`${app.baseUrl}${asset}`);
    expect(script.headers.get('content-type')).to.match(/javascript/);
    expect(script.headers.get('cache-control')).to.include('immutable');
    const missing = await fetch(`${app.baseUrl}/console/assets/nope.js`);
    expect(missing.status).to.equal(404);
  });
});
