import { expect } from 'chai';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { createRegion, createPassenger, tokenFor } from '../helpers/factories.js';
import type { AppDeps } from '../../lib/deps.js';

describe('HTTP hardening: headers, CORS, body size, write rate limits', () => {
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp({
      CORS_ORIGINS: 'https://console.example.kz',
      BODY_LIMIT_KB: '1',
      RATE_LIMIT_USER_WRITES_PER_MINUTE: '3',
      RATE_LIMIT_IP_WRITES_PER_MINUTE: '2',
    }));
  });
  beforeEach(() => resetState(deps));
  after(async () => {
    await closeTestApp(deps, app);
  });

  it('when any response is sent, then it carries the security headers (no HSTS outside production)', async () => {
    for (const path of ['/healthz', '/api/nothing/', '/api/docs/']) {
      const res = await app.request('GET', path);
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('x-frame-options')).to.equal('DENY');
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(res.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).to.include("script-src 'self'");
      expect(res.headers.get('strict-transport-security')).to.equal(null);
    }
  });

  it('when a listed origin calls, then CORS allows it; when another does, then no CORS headers', async () => {
    const allowed = await app.request('OPTIONS', '/api/regions/', {
      headers: {
        origin: 'https://console.example.kz',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(allowed.status).to.equal(204);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(
      'https://console.example.kz',
    );
    expect(allowed.headers.get('access-control-allow-methods')).to.include('POST');

    const foreign = await app.request('GET', '/healthz', {
      headers: { origin: 'https://evil.example.com' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('when a JSON body is over BODY_LIMIT_KB, then 413 in the contract shape', async () => {
    const res = await app.request('POST', '/api/orders/', {
      rawBody: JSON.stringify({ note: 'x'.repeat(4096) }),
    });
    expect(res.status).to.equal(413);
    expect(res.body).to.include({ code: 'payload_too_large' });
    expect(res.body.error).to.be.a('string');
  });

  it('when an anonymous client writes past the per-IP limit, then 429 with retry_after_seconds', async () => {
    const responses = [];
    for (let i = 0; i < 3; i += 1) {
      responses.push(
        await app.request('POST', '/api/auth/refresh/', { body: { refresh: 'nope' } }),
      );
    }
    const [first, second, third] = responses;
    expect([first!.status, second!.status]).to.not.include(429);
    expect(third!.status).to.equal(429);
    expect(third!.body.code).to.equal('rate_limited');
    expect(third!.body.retry_after_seconds).to.be.a('number').within(1, 60);
    expect(third!.headers.get('retry-after')).to.equal(String(third!.body.retry_after_seconds));
  });

  it('when a signed-in user writes past the per-user limit, then 429 for that user only', async () => {
    const region = await createRegion(deps);
    const one = await createPassenger(deps, region.id);
    const two = await createPassenger(deps, region.id);
    const tokenOne = await tokenFor(deps, one.user);
    const tokenTwo = await tokenFor(deps, two.user);
    const write = (token: string) =>
      app.request('PATCH', '/api/passengers/me/', { token, body: {} });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await write(tokenOne)).status);
    expect(statuses.slice(0, 3)).to.not.include(429);
    expect(statuses[3]).to.equal(429);
    expect((await write(tokenTwo)).status).to.not.equal(429);
    // Reads are never limited.
    expect((await app.request('GET', '/healthz')).status).to.equal(200);
  });
});
