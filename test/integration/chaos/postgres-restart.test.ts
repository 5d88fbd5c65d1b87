/**
 * Chaos: PostgreSQL is restarted (fast shutdown, a few seconds down) while passengers book
 * through a real web process and a real worker dispatches. Once it is back: no 5xx left
 * after a short settling time, the outbox relay resumes without a restart (nothing left
 * owed), and the orders booked are decided. During the outage the API answers 503, never 500.
 *
 * Its own PostgreSQL cluster (initdb, pg_ctl) on a spare loopback port; Redis is the shared
 * test server under a prefix of its own.
 */
import { expect } from 'chai';
import { migrateLatest } from '../../../db/database.js';
import type { AppDeps } from '../../../lib/deps.js';
import { placeDriver } from '../../helpers/dispatch-fixtures.js';
import { countRows } from '../../helpers/count-rows.js';
import { createPassenger, createRegion, tokenFor } from '../../helpers/factories.js';
import { orderBody } from '../../helpers/order-fixtures.js';
import { pollUntil } from '../../helpers/poll-until.js';
import { privatePostgres, type PrivatePostgres } from '../../helpers/private-postgres.js';
import { startServiceProcess, type ServiceProcess } from '../../helpers/service-process.js';
import { closeDeps, createTestDeps, flushPrefix } from '../../helpers/test-deps.js';
import { testEnv } from '../../helpers/test-env.js';
import { startWorkerProcess, type WorkerProcess } from '../../helpers/worker-processes.js';

const port = Number(process.env.CHAOS_POSTGRES_PORT ?? 7421);
/** After PostgreSQL is back, requests may still fail for this long (pools reconnecting). */
const settleMs = 3000;
const downMs = 3000;

describe('chaos: PostgreSQL restarted mid-load', function () {
  this.timeout(150_000);
  let pg: PrivatePostgres;
  let deps: AppDeps;
  let web: ServiceProcess;
  let worker: WorkerProcess;
  let token: string;
  const env: NodeJS.ProcessEnv = {};

  before(async () => {
    pg = privatePostgres(port, 'invo_chaos');
    pg.start();
    await migrateLatest(pg.url);
    Object.assign(env, {
      DATABASE_URL: pg.url,
      REDIS_PREFIX: `${testEnv.REDIS_PREFIX}-pg`,
      RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
      DISPATCH_OFFER_TIMEOUT_SECONDS: '3',
      DISPATCH_GIVE_UP_SECONDS: '6',
      DISPATCH_RETRY_BACKOFF_MS: '500',
      PORT: '0',
    });
    deps = createTestDeps(env);
    await flushPrefix(deps);
    const region = await createRegion(deps, { id: 'atyrau' });
    const { user } = await createPassenger(deps, region.id);
    token = await tokenFor(deps, user);
    for (let i = 0; i < 5; i++) await placeDriver(deps, region.id, 0.5 + i * 0.3);
    [web, worker] = await Promise.all([
      startServiceProcess('bin/web.ts', 'web listening', env, 60_000),
      startWorkerProcess(env, 60_000),
    ]);
  });
  after(async () => {
    web?.child.kill('SIGKILL');
    await worker?.kill('SIGKILL');
    await flushPrefix(deps).catch(() => undefined);
    await closeDeps(deps);
    pg?.destroy();
  });

  it('when PostgreSQL restarts under load, then 503s during, no 5xx after it settles, and the relay resumes', async () => {
    const results: { at: number; status: number; id?: string }[] = [];
    let running = true;
    let n = 0;
    const book = async () => {
      const at = Date.now();
      try {
        const res = await fetch(`http://127.0.0.1:${web.port}/api/orders/`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': `chaos-pg-${n++}`,
          },
          body: JSON.stringify(orderBody()),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json()) as { id?: string };
        results.push({ at, status: res.status, id: body.id });
      } catch {
        results.push({ at, status: 0 });
      }
    };
    const load = (async () => {
      while (running) {
        await book();
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();

    await pollUntil(() => Promise.resolve(results.filter((r) => r.status === 201).length >= 5));
    pg.stop();
    const downAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    pg.start();
    const backAt = Date.now();
    // Enough bookings made after the settling time to judge it (no fixed wait).
    await pollUntil(
      () => Promise.resolve(results.filter((r) => r.at >= backAt + settleMs).length > 5),
      settleMs + 60_000,
      'bookings after PostgreSQL settled',
    );
    running = false;
    await load;

    const during = results.filter((r) => r.at >= downAt && r.at < backAt);
    const settled = results.filter((r) => r.at >= backAt + settleMs);
    const statuses = (rows: typeof results) =>
      rows.reduce<Record<number, number>>(
        (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
        {},
      );
    const firstOk = results.find((r) => r.at >= backAt && r.status === 201);
    console.log(
      `      postgres down ${backAt - downAt} ms: during ${JSON.stringify(statuses(during))}, first booking ok ${firstOk ? firstOk.at - backAt : '—'} ms after it was back, after ${settleMs} ms settling ${JSON.stringify(statuses(settled))}`,
    );
    expect(
      during.filter((r) => r.status === 500),
      'no 500 while PostgreSQL is down',
    ).to.deep.equal([]);
    expect(settled.length).to.be.greaterThan(5);
    expect(
      settled.filter((r) => r.status !== 201),
      'all bookings succeed once settled',
    ).to.deep.equal([]);

    // The relay resumes by itself: nothing stays owed, and every booked order is decided.
    await pollUntil(async () => {
      return (await countRows(deps.db.knex('outbox_messages').whereNull('published_at'))) === 0;
    }, 20_000);
    const booked = results.filter((r) => r.status === 201).map((r) => r.id!);
    await pollUntil(async () => {
      const open = deps.db
        .knex('orders')
        .whereIn('id', booked)
        .whereIn('status', ['submitted', 'matching']);
      return (await countRows(open)) === 0;
    }, 30_000);
  });
});
