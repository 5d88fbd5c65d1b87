/**
 * Regression tests of issue 9: malformed input at the HTTP edge is a bounded 4xx in the
 * contract's `{error, code}` shape, never a 500 or an amplified echo.
 */
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { resetState } from '../helpers/test-deps.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import type { AppDeps } from '../../lib/deps.js';

const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

function expectErrorShape(res: { status: number; body: unknown }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)?.slice(0, 300)).to.equal(status);
  const body = res.body as { error?: unknown; code?: unknown };
  expect(body.error).to.be.a('string');
  expect(body.code).to.be.a('string');
  if (code) expect(body.code).to.equal(code);
}

/** fetch() refuses methods such as TRACE and PROPFIND; node:http sends them as they are. */
function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${baseUrl}${path}`,
      { method, headers: { 'content-length': '0' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', text }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Input hardening at the HTTP edge (issue 9)', () => {
  let deps: AppDeps;
  let app: TestApp;
  let staffToken: string;
  let driverToken: string;
  let driverId: number;
  let passengerToken: string;
  before(
    async () =>
      ({ deps, app } = await openTestApp({
        RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
        RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
      })),
  );
  beforeEach(async () => {
    await resetState(deps);
    const region = await createRegion(deps);
    staffToken = await tokenFor(deps, await createUser(deps, 'admin'));
    const driver = await createDriver(deps, region.id);
    driverId = driver.driver.id;
    driverToken = await tokenFor(deps, driver.user);
    passengerToken = await tokenFor(deps, (await createPassenger(deps, region.id)).user);
  });
  after(() => closeTestApp(deps, app));

  it('when a rejected value is large and deep, then the error is small and names the field (1)', async () => {
    // A 4 KB string and a nested value (within the depth limit) under known fields.
    const deepValue = nested(12);
    const res = await app.request('POST', '/api/regions/', {
      token: staffToken,
      rawBody: `{"id":"r1","title":${JSON.stringify('x'.repeat(4000))},"center_lat":${deepValue},"center_lon":1}`,
    });
    expectErrorShape(res, 400, 'validation_failed');
    const size = JSON.stringify(res.body).length;
    expect(size).to.be.below(2000);
    expect(res.body.fields).to.have.property('center_lat');
  });

  it('when a body is nested deeper than the documented limit, then 400 before validation (1, 4)', async () => {
    for (const raw of [nested(64), nestedArrays(3000), nested(3000)]) {
      const res = await app.request('POST', '/api/auth/phone-login/', { rawBody: raw });
      expectErrorShape(res, 400, 'validation_failed');
      expect(JSON.stringify(res.body).length).to.be.below(1000);
    }
  });

  it('when a JSON key is a prototype name, then 400 naming the key, not 500 (3)', async () => {
    for (const key of [
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      '__proto__',
    ]) {
      const res = await app.request('POST', '/api/auth/phone-login/', {
        rawBody: `{"phone":"+77011234567","${key}":1}`,
      });
      expectErrorShape(res, 400, 'validation_failed');
      const nestedRes = await app.request('POST', '/api/regions/', {
        token: staffToken,
        rawBody: `{"id":"r2","title":"t","center_lat":1,"center_lon":1,"polygon_coordinates":{"${key}":1}}`,
      });
      expectErrorShape(nestedRes, 400, 'validation_failed');
      const query = await app.request('GET', `/api/orders/?${key}=1`, { token: staffToken });
      expectErrorShape(query, 400, 'validation_failed');
    }
  });

  it('when a string holds a NUL byte (body, query or path), then 400 (5)', async () => {
    const cases: [string, string, string | undefined][] = [
      ['POST', '/api/auth/phone-login/', '{"phone":"+7701\\u0000"}'],
      ['GET', '/api/orders/?search=a%00b', undefined],
      ['GET', '/api/orders/?region_id=%00', undefined],
      ['GET', '/api/regions/a%00b/', undefined],
      ['GET', '/api/orders/a%00b/', undefined],
      ['GET', '/api/orders/a%00b/events/', undefined],
      ['GET', '/api/dispatch/candidates/a%00b/', undefined],
      ['PATCH', '/api/passengers/me/', '{"full_name":"a\\u0000b"}'],
      ['POST', '/api/regions/', '{"id":"r3","title":"a\\u0000","center_lat":1,"center_lon":1}'],
    ];
    for (const [method, path, rawBody] of cases) {
      const token = path.includes('passengers/me') ? passengerToken : staffToken;
      const res = await app.request(method, path, { token, rawBody });
      expectErrorShape(res, 400, 'validation_failed');
    }
  });

  it('when a date filter is out of range, then 400 (7)', async () => {
    for (const value of [
      '-271821-04-20T00:00:00.000Z',
      '275760-09-13T00:00:00.000Z',
      '99999-01-01',
    ]) {
      const res = await app.request(
        'GET',
        `/api/orders/?created_after=${encodeURIComponent(value)}`,
        {
          token: staffToken,
        },
      );
      expectErrorShape(res, 400, 'validation_failed');
      expect(res.body.fields).to.have.property('created_after');
    }
    const ok = await app.request('GET', '/api/orders/?created_after=2026-01-01T00:00:00Z', {
      token: staffToken,
    });
    expect(ok.status).to.equal(200);
  });

  it('when polygon_coordinates holds null or non-pairs, then 400 (8)', async () => {
    for (const polygon of ['[null]', '[null,null,null]', '[1,2,3]', '[[1,2],[1,2],[1,"x"]]']) {
      const res = await app.request('POST', '/api/regions/', {
        token: staffToken,
        rawBody: `{"id":"r4","title":"t","center_lat":1,"center_lon":1,"polygon_coordinates":${polygon}}`,
      });
      expectErrorShape(res, 400, 'validation_failed');
    }
  });

  it('when the method is unknown or not allowed, then 405 in the error shape (9)', async () => {
    for (const method of ['TRACE', 'PROPFIND', 'LOCK', 'PUT', 'FOO']) {
      const res = await rawRequest(app.baseUrl, method, '/api/regions/');
      expect(res.status, `${method}: ${res.text}`).to.equal(405);
      expect(res.type).to.match(/^application\/json/);
      const body = JSON.parse(res.text) as { code: string; error: string };
      expect(body.code).to.equal('method_not_allowed');
      expect(body.error).to.be.a('string');
    }
  });

  it('when speed or accuracy is Infinity (1e999), then 400 (12)', async () => {
    for (const field of ['speed', 'accuracy', 'lat']) {
      const res = await app.request('PATCH', `/api/drivers/${driverId}/location/`, {
        token: driverToken,
        rawBody: `{"lat":47.1,"lon":51.9,"${field}":1e999}`,
      });
      expectErrorShape(res, 400, 'validation_failed');
    }
  });

  it('when email is an empty string, then 400 (12)', async () => {
    const res = await app.request('POST', '/api/users/', {
      token: staffToken,
      body: { phone: '+77015550000', role: 'dispatcher', email: '' },
    });
    expectErrorShape(res, 400, 'validation_failed');
    expect(res.body.fields).to.have.property('email');
  });

  it('when a write has a body that is not JSON, then 415 (12)', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await app.request('POST', '/api/auth/phone-login/', {
        rawBody: 'phone=%2B77011234567',
        headers: { 'content-type': type },
      });
      expectErrorShape(res, 415, 'unsupported_media_type');
    }
  });

  it('when personal data is answered, then Cache-Control: no-store (12)', async () => {
    const me = await app.request('GET', '/api/passengers/me/', { token: passengerToken });
    expect(me.status).to.equal(200);
    expect(me.headers.get('cache-control')).to.equal('no-store');
    const list = await app.request('GET', '/api/drivers/', { token: staffToken });
    expect(list.headers.get('cache-control')).to.equal('no-store');
    const error = await app.request('GET', '/api/orders/nope/', { token: staffToken });
    expect(error.headers.get('cache-control')).to.equal('no-store');
  });
});
