/**
 * The web process's session cache across two real web processes: a token checked (and
 * cached) on web A, then logout, refresh-token reuse or deactivation through web B, and A
 * refuses the token's next request as soon as it has the announcement — waited for on A's
 * own log line, no sleeps. And with the revocation channel down, A does not trust its cache.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { openSession } from '../../lib/auth/session-tokens.js';
import { createDriver, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { startServiceProcess, type ServiceProcess } from '../helpers/service-process.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

interface Web {
  process: ServiceProcess;
  request(method: string, path: string, token?: string, body?: unknown): Promise<number>;
  /** Resolves at the next log line with this message after the call. */
  nextLog(message: string): Promise<void>;
}

async function startWeb(): Promise<Web> {
  const proc = await startServiceProcess('bin/web.ts', 'web listening', {
    PORT: '0',
    LOG_LEVEL: 'debug',
  });
  const waiters: { message: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      for (const w of [...waiters]) {
        if (line.includes(`"msg":"${w.message}"`)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  };
  proc.child.stdout!.on('data', onData);
  proc.child.stderr!.on('data', onData);
  return {
    process: proc,
    async request(method, path, token, body) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`http://127.0.0.1:${proc.port}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await res.arrayBuffer();
      return res.status;
    },
    nextLog: (message) => new Promise((resolve) => waiters.push({ message, resolve })),
  };
}

describe('session cache across two web processes', function () {
  this.timeout(90_000);
  let deps: AppDeps;
  let webA: Web;
  let webB: Web;
  let regionId: string;

  before(async () => {
    deps = createTestDeps();
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    [webA, webB] = await Promise.all([startWeb(), startWeb()]);
    // A's cache subscribes on its first check; wait until it is in use.
    const { user } = await createDriver(deps, regionId);
    const listening = webA.nextLog('session cache listening');
    await webA.request('GET', '/api/drivers/me/', await tokenFor(deps, user));
    await listening;
  });
  after(async () => {
    for (const web of [webA, webB]) {
      web?.process.child.kill('SIGTERM');
      await web?.process.exited;
    }
    await closeDeps(deps);
  });

  /** A driver session used (and so cached) on A. */
  async function cachedDriverSession() {
    const { user, driver } = await createDriver(deps, regionId);
    const pair = await openSession(deps, undefined, { user: { id: user.id, role: 'driver' } });
    expect(await webA.request('GET', '/api/drivers/me/', pair.access)).to.equal(200);
    expect(await webA.request('GET', '/api/drivers/me/', pair.access)).to.equal(200);
    return { user, driver, ...pair };
  }

  it('when the driver logs out through B, then A refuses the token at once', async () => {
    const session = await cachedDriverSession();
    const revoked = webA.nextLog('sessions revoked: session cache emptied');
    expect(await webB.request('POST', '/api/auth/logout/', session.access, {})).to.be.oneOf([
      200, 204,
    ]);
    await revoked;
    expect(await webA.request('GET', '/api/drivers/me/', session.access)).to.equal(401);
  });

  it('when a spent refresh token is reused through B, then A refuses the access token at once', async () => {
    const session = await cachedDriverSession();
    expect(
      await webB.request('POST', '/api/auth/refresh/', undefined, { refresh: session.refresh }),
    ).to.equal(200);
    const revoked = webA.nextLog('sessions revoked: session cache emptied');
    expect(
      await webB.request('POST', '/api/auth/refresh/', undefined, { refresh: session.refresh }),
    ).to.equal(401);
    await revoked;
    expect(await webA.request('GET', '/api/drivers/me/', session.access)).to.equal(401);
  });

  it('when an admin deactivates the driver through B, then A refuses the token at once', async () => {
    const session = await cachedDriverSession();
    const admin = await createUser(deps, 'admin');
    const adminToken = await tokenFor(deps, admin);
    const revoked = webA.nextLog('sessions revoked: session cache emptied');
    expect(
      await webB.request('DELETE', `/api/drivers/${session.driver.id}/`, adminToken),
    ).to.be.oneOf([200, 204]);
    await revoked;
    expect(await webA.request('GET', '/api/drivers/me/', session.access)).to.equal(401);
  });
});
