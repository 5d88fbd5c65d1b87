import { expect } from 'chai';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { createUser, tokenFor } from '../helpers/factories.js';
import { request as httpRequest } from 'node:http';
import type { AppDeps } from '../../lib/deps.js';
import type { UserRole } from '../../lib/auth/actor.js';
import { queueNames } from '../../lib/queue/queue-names.js';

/** fetch() and URL resolve `..` in paths; node:http with a `path` option sends it as written. */
function rawHttp(
  baseUrl: string,
  path: string,
  cookie: string,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers: { cookie } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Bull Board at /admin/queues (staff only)', () => {
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  beforeEach(() => resetState(deps));
  after(async () => {
    await closeTestApp(deps, app);
  });

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${app.baseUrl}${path}`, { redirect: 'manual', ...init });
  const tokenOf = async (role: UserRole) => tokenFor(deps, await createUser(deps, role));
  const login = (token: string) =>
    raw('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

  it('when a browser comes without a session, then it is sent to the login form', async () => {
    const res = await raw('/admin/queues/', { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/admin/login');
    const form = await raw('/admin/login');
    expect(form.status).to.equal(200);
    const html = await form.text();
    expect(html).to.include('<form method="post" action="/admin/login">');
    expect(html).to.include('name="token"');
  });

  it('when an API client comes without a token, then 401 in the contract shape', async () => {
    const res = await app.request('GET', '/admin/queues/api/queues');
    expect(res.status).to.equal(401);
    expect(res.body.code).to.equal('unauthorized');
  });

  for (const role of ['passenger', 'driver'] as const) {
    it(`when a ${role} sends a Bearer token or logs in, then 403 and no cookie`, async () => {
      const token = await tokenOf(role);
      const bearer = await app.request('GET', '/admin/queues/api/queues', { token });
      expect(bearer.status).to.equal(403);
      const res = await login(token);
      expect(res.status).to.equal(403);
      expect(res.headers.get('set-cookie')).to.equal(null);
    });
  }

  it('when the pasted token is forged, then 401 and no cookie', async () => {
    const res = await login('not-a-token');
    expect(res.status).to.equal(401);
    expect(res.headers.get('set-cookie')).to.equal(null);
  });

  for (const role of ['dispatcher', 'admin'] as const) {
    it(`when a ${role} logs in, then an HttpOnly SameSite=Strict cookie opens the board on every queue`, async () => {
      const token = await tokenOf(role);
      const res = await login(token);
      expect(res.status).to.equal(303);
      expect(res.headers.get('location')).to.equal('/admin/queues/');
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).to.include('HttpOnly');
      expect(setCookie).to.include('SameSite=Strict');
      expect(setCookie).to.include('Path=/admin');
      expect(setCookie).to.not.include('Secure'); // only in production

      const page = await raw('/admin/queues/', { headers: { cookie: cookieOf(res) } });
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('<div id="root">');

      const api = await raw('/admin/queues/api/queues', { headers: { cookie: cookieOf(res) } });
      expect(api.status).to.equal(200);
      const body = (await api.json()) as { queues: { name: string }[] };
      expect(body.queues.map((q) => q.name).sort()).to.deep.equal(Object.values(queueNames).sort());
    });
  }

  it('when staff use a Bearer header, then the board API answers', async () => {
    const res = await app.request('GET', '/admin/queues/api/queues', {
      token: await tokenOf('dispatcher'),
    });
    expect(res.status).to.equal(200);
  });

  it('when staff log out, then the cookie is cleared; when the session is revoked, then the cookie stops working', async () => {
    const token = await tokenOf('admin');
    const cookie = cookieOf(await login(token));
    const out = await raw('/admin/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).to.equal(303);
    expect(out.headers.get('set-cookie')).to.match(/^invo_admin=; .*Max-Age=0/);

    await deps.db.knex('auth_sessions').update({ revoked_at: new Date() });
    const res = await raw('/admin/queues/api/queues', { headers: { cookie } });
    expect(res.status).to.equal(401);
  });

  it('when staff act from the board itself, then the action reaches the queue', async () => {
    const cookie = cookieOf(await login(await tokenOf('dispatcher')));
    const res = await raw(`/admin/queues/api/queues/${queueNames.sms}/pause`, {
      method: 'PUT',
      headers: { cookie, origin: app.baseUrl, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).to.be.within(200, 204);
    expect(await deps.queues.sms.isPaused()).to.equal(true);
    await deps.queues.sms.resume();
  });

  it('when a state change comes from another origin, then 403', async () => {
    const cookie = cookieOf(await login(await tokenOf('admin')));
    const res = await raw(`/admin/queues/api/queues/${queueNames.sms}/pause`, {
      method: 'PUT',
      headers: { cookie, origin: 'https://evil.example.com' },
    });
    expect(res.status).to.equal(403);
    expect(await deps.queues.sms.isPaused()).to.equal(false);
  });

  for (const [name, headers] of [
    ['Origin: null', { origin: 'null' }],
    ['a foreign Referer', { referer: 'https://evil.example.com/page' }],
    ['an unparsable Referer', { referer: 'not a url' }],
  ] as const) {
    it(`when a state change comes with ${name}, then 403 (issue 9)`, async () => {
      const cookie = cookieOf(await login(await tokenOf('admin')));
      const res = await raw(`/admin/queues/api/queues/${queueNames.sms}/pause`, {
        method: 'PUT',
        headers: { cookie, ...headers },
      });
      expect(res.status).to.equal(403);
      expect(await deps.queues.sms.isPaused()).to.equal(false);
    });
  }

  it('when a static path climbs out of its folder or is malformed, then a 4xx in the contract shape without a stack trace (issue 9)', async () => {
    const cookie = cookieOf(await login(await tokenOf('admin')));
    // Bull Board adds the stack to its errors when the process runs with NODE_ENV=development.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      for (const path of [
        '/admin/queues/static/..',
        '/admin/queues/static/../',
        '/admin/queues/static/..%5c..%5cpackage.json',
        '/admin/queues/static/%2e%2e/%2e%2e/package.json',
        '/admin/queues/static/x%ZZ',
        '/admin/queues/static/%00',
      ]) {
        const res = await rawHttp(app.baseUrl, path, cookie);
        expect(res.status, `${path}: ${res.text.slice(0, 200)}`).to.be.within(400, 499);
        expect(res.text, path).not.to.match(/node_modules|\/work\/|at \w+ \(|details/);
        const body = JSON.parse(res.text) as { error: unknown; code: unknown };
        expect(body.error, path).to.be.a('string');
        expect(body.code, path).to.be.a('string');
      }
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  });
});
