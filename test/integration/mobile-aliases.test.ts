/**
 * The later Invo Taxi app's `/api/mobile/*` aliases: the refresh that keeps working for an
 * app that stores only `access`, the passenger's order paths in the original's shapes, and a
 * clear 404 not_implemented for what has no equivalent. (The whole app story runs in the contract test.)
 */
import { expect } from 'chai';
import type { Clock } from '../../lib/clock/clock.js';
import type { AppDeps } from '../../lib/deps.js';
import { mobileTag } from '../../api/http/routes/mobile/mobile-accounts.routes.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const phone = '+77015550101';
const code = '550101';

describe('mobile aliases of the original Invo Taxi app', () => {
  let deps: AppDeps;
  let app: TestApp;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const hours = (h: number) => h * 3600_000;

  before(async () => {
    ({ deps, app } = await openTestApp({ OTP_TEST_NUMBERS: `${phone}:${code}` }, clock));
  });
  beforeEach(async () => {
    offsetMs = 0;
    await resetState(deps);
    const region = await createRegion(deps);
    await createPassenger(deps, region.id, { phone });
  });
  after(async () => {
    await closeTestApp(deps, app);
  });

  const call = (method: string, path: string, body?: unknown, token?: string) =>
    app.request(method, `/api/mobile/${path}`, { body, token });

  async function login(): Promise<{ access: string; refresh: string }> {
    expect((await call('POST', 'auth/phone-login/', { phone })).status).to.equal(200);
    const res = await call('POST', 'auth/verify-otp/', { phone, code });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ role: 'passenger', has_profile: true });
    return res.body;
  }

  describe('refresh-token/', () => {
    it('when the app keeps only access and refreshes with its first refresh token again a day later, then the session lives on', async () => {
      const first = await login();
      const once = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      expect(once.status).to.equal(200);
      expect(once.body).to.have.keys(['access', 'refresh']);
      // The access token lives 24 h; the app refreshes when it runs out, with what it kept.
      offsetMs = hours(24);
      const twice = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      expect(twice.status, JSON.stringify(twice.body)).to.equal(200);
      const profile = await call('GET', 'passengers/profile/', undefined, twice.body.access);
      expect(profile.status).to.equal(200);
      // The window slides with each use: another day, the same token still works.
      offsetMs = hours(48);
      const thrice = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      expect(thrice.status).to.equal(200);
    });

    it('when the spent token comes back after the grace window, then it is a reuse and the session ends', async () => {
      const first = await login();
      await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      offsetMs = hours(25) + 1000;
      const late = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      expect(late.status).to.equal(401);
      expect(late.body.code).to.equal('token_revoked');
      const profile = await call('GET', 'passengers/profile/', undefined, first.access);
      expect(profile.status).to.equal(401);
    });

    it('when a later token of the session was used, then the old one is a reuse even within the window', async () => {
      const first = await login();
      const rotated = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      const onward = await call('POST', 'auth/refresh-token/', { refresh: rotated.body.refresh });
      expect(onward.status).to.equal(200);
      const copied = await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      expect(copied.status).to.equal(401);
      expect(copied.body.code).to.equal('token_revoked');
    });

    it('when the same spent token goes to the contract’s refresh/, then there is no grace there', async () => {
      const first = await login();
      await call('POST', 'auth/refresh-token/', { refresh: first.refresh });
      const strict = await app.request('POST', '/api/auth/refresh/', {
        body: { refresh: first.refresh },
      });
      expect(strict.status).to.equal(401);
      expect(strict.body.code).to.equal('token_revoked');
    });
  });

  it('when the passenger books with a local time and asks for the active order and the list, then the original shapes come back', async () => {
    const { access } = await login();
    const pickupAt = new Date(Date.now() + hours(3));
    // Dart's toIso8601String() of a local time in Atyrau (UTC+05:00), milliseconds, no zone.
    const local = new Date(pickupAt.getTime() + hours(5)).toISOString().slice(0, 23);
    const created = await call(
      'POST',
      'orders/create/',
      {
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: 47.1067,
        pickup_lon: 51.9167,
        dropoff_lat: 47.1218,
        dropoff_lon: 51.8736,
        desired_pickup_time: local,
        has_companion: false,
        note: 'Нужна помощь с коляской',
      },
      access,
    );
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.desired_pickup_time).to.equal(pickupAt.toISOString());
    const active = await call('GET', 'passengers/active-order/', undefined, access);
    expect(active.body).to.include({ has_active_order: true, id: created.body.id });
    const list = await call(
      'GET',
      'passengers/orders/?status=active_queue,matching&limit=5',
      undefined,
      access,
    );
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    expect(list.body).to.have.keys(['count', 'results']);
    expect(list.body.results.map((o: { id: string }) => o.id)).to.deep.equal([created.body.id]);
    expect(list.body.count).to.equal(1);
    const one = await call('GET', `passengers/order/${created.body.id}/`, undefined, access);
    expect(one.body.id).to.equal(created.body.id);

    const cancelled = await call(
      'POST',
      `orders/${created.body.id}/cancel/`,
      { reason: 'Изменились планы' },
      access,
    );
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    expect(cancelled.body.order.status).to.equal('cancelled');
    expect(cancelled.body).to.include({ cancel_fee: null, cancel_fee_details: null });
    const none = await call('GET', 'passengers/active-order/', undefined, access);
    expect(none.body).to.deep.equal({ has_active_order: false, order: null });
  });

  it('when the OpenAPI document is read, then it lists all 27 paths of the original app, tagged as aliases', async () => {
    const doc = await app.request('GET', '/api/openapi.json');
    const operations = Object.entries(doc.body.paths as Record<string, Record<string, any>>)
      .filter(([path]) => path.startsWith('/api/mobile/'))
      .flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => ({ path, m, op })));
    expect(operations).to.have.length(27);
    for (const { op } of operations) expect(op.tags).to.deep.equal([mobileTag]);
    const unsupported = operations
      .filter(({ op }) => String(op.summary).startsWith('No equivalent here'))
      .map((o) => o.path);
    expect(unsupported.sort()).to.deep.equal([
      '/api/mobile/drivers/profile/',
      '/api/mobile/drivers/statistics/',
      '/api/mobile/orders/quote/',
      '/api/mobile/orders/{id}/price-breakdown/',
      '/api/mobile/orders/{id}/route/',
    ]);
  });

  it('when the app calls a path with no equivalent here, then 404 not_implemented in the error shape', async () => {
    const { access } = await login();
    const calls: [string, string][] = [
      ['GET', 'orders/quote/?pickup_lat=47.1&pickup_lon=51.9&dropoff_lat=47.12&dropoff_lon=51.87'],
      ['GET', 'orders/order_x/route/'],
      ['GET', 'orders/order_x/price-breakdown/?type=final'],
      ['GET', 'drivers/statistics/'],
      ['PATCH', 'drivers/profile/'],
    ];
    for (const [method, path] of calls) {
      const res = await call(method, path, method === 'PATCH' ? { name: 'x' } : undefined, access);
      expect(res.status, path).to.equal(404);
      expect(res.body.code).to.equal('not_implemented');
      expect(res.body.error).to.be.a('string').and.not.equal('');
    }
    const unknown = await call('GET', 'passengers/nothing-here/', undefined, access);
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('not_found');
  });
});
