/**
 * The engine's invariants under real concurrency: several `bin/worker.ts` processes race on
 * hundreds of orders created through the API while a simulated fleet accepts, declines or
 * ignores offers and completes trips. Checked continuously while it runs (one snapshot per
 * check) and afterwards from the order events.
 */
import { expect } from 'chai';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { changeOrderStatus } from '../../lib/orders/change-order-status.js';
import { driverHoldingStatuses } from '../../lib/orders/order-status.js';
import { resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { placeDriver } from '../helpers/dispatch-fixtures.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-processes.js';
import {
  checkOrderChain,
  driverHoldsOf,
  overlappingHolds,
  type EventRow,
} from '../helpers/dispatch-history.js';
import { pollUntil } from '../helpers/poll-until.js';
import { testEnv } from '../helpers/test-env.js';
import { seededRandom } from '../helpers/seeded-random.js';

const baseWorkerEnv = {
  DISPATCH_OFFER_TIMEOUT_SECONDS: '2',
  DISPATCH_RETRY_BACKOFF_MS: '1000',
  DISPATCH_GIVE_UP_SECONDS: '8',
  DISPATCH_LOCK_MS: '1500',
  DISPATCH_JOB_TIMEOUT_MS: '4000',
  DISPATCH_WORKER_CONCURRENCY: '8',
  POSITION_FRESH_SECONDS: '3600',
  // The database is shared with other suites: keep to a few connections per process.
  DATABASE_POOL_MAX: '4',
};
const appEnv = {
  ...baseWorkerEnv,
  RATE_LIMIT_USER_WRITES_PER_MINUTE: '0',
  RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
  DATABASE_POOL_MAX: '8',
};
const holding = driverHoldingStatuses.map((s) => `'${s}'`).join(', ');
const finalStatuses = ['completed', 'awaiting_dispatcher_decision', 'cancelled'];

/** Every rule that must hold at every instant, checked in ONE statement (one snapshot). */
const snapshotCheck = `
  SELECT 'driver with two pending offers' AS problem, driver_id::text AS subject
    FROM offers WHERE status = 'pending' GROUP BY driver_id HAVING count(*) > 1
  UNION ALL
  SELECT 'order with two pending offers', order_id FROM offers WHERE status = 'pending'
   GROUP BY order_id HAVING count(*) > 1
  UNION ALL
  SELECT 'driver with two active orders', driver_id::text FROM orders
   WHERE status IN (${holding}) GROUP BY driver_id HAVING count(*) > 1
  UNION ALL
  SELECT 'driver with an offer and an active order', f.driver_id::text
    FROM offers f JOIN orders o ON o.driver_id = f.driver_id AND o.status IN (${holding})
   WHERE f.status = 'pending'
  UNION ALL
  SELECT 'offered order without exactly one pending offer', o.id FROM orders o
   WHERE o.status = 'offered'
     AND (SELECT count(*) FROM offers f WHERE f.order_id = o.id AND f.status = 'pending') <> 1
  UNION ALL
  SELECT 'pending offer of an order not offered', f.order_id FROM offers f
    JOIN orders o ON o.id = f.order_id WHERE f.status = 'pending' AND o.status <> 'offered'
  UNION ALL
  SELECT 'offered driver not in status offered', f.driver_id::text FROM offers f
    JOIN drivers d ON d.id = f.driver_id WHERE f.status = 'pending' AND d.status <> 'offered'
  UNION ALL
  SELECT 'active order whose driver is not busy', o.id FROM orders o
    JOIN drivers d ON d.id = o.driver_id
   WHERE o.status IN (${holding}) AND d.status NOT IN ('enroute_to_pickup', 'on_trip')`;

/** The worker that holds a batch round lock right now (its connections' application name). */
const roundLockHolders = `
  SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`;

/** A worker's connections carry its name, so the test can tell who holds a round lock. */
const named = (name: string) => {
  const url = new URL(testEnv.DATABASE_URL!);
  url.searchParams.set('application_name', name);
  return { DATABASE_URL: url.toString() };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = (check: () => Promise<boolean>, timeoutMs = 20_000) => pollUntil(check, timeoutMs);

for (const policy of ['ranked', 'batch'] as const) {
  describe(`dispatch invariants with real worker processes (DISPATCH_POLICY=${policy})`, function () {
    this.timeout(240_000);
    const workerEnv = {
      ...baseWorkerEnv,
      DISPATCH_POLICY: policy,
      DISPATCH_BATCH_WINDOW_MS: '500',
    };
    let deps: AppDeps;
    let app: TestApp;
    const workers: WorkerProcess[] = [];
    // Distances, pickups and the fleet's answers; the workers' timing is not replayable.
    const random = seededRandom();

    before(async () => {
      ({ deps, app } = await openTestApp({ ...appEnv, DISPATCH_POLICY: policy }));
    });
    after(async () => {
      await Promise.all(workers.map((w) => w.kill('SIGKILL')));
      await closeTestApp(deps, app);
    });
    beforeEach(async () => {
      await resetState(deps);
    });
    afterEach(async function () {
      if (this.currentTest?.state === 'failed') {
        for (const w of workers) console.error(w.output().split('\n').slice(-20).join('\n'));
      }
      await Promise.all(workers.splice(0).map((w) => w.kill('SIGKILL')));
    });

    async function fleetAndPassengers(drivers: number, passengers: number) {
      const regionId = (await createRegion(deps, { id: 'atyrau' })).id;
      const driverTokens = new Map<number, string>();
      // In parallel: setup is a good share of this test's time on a busy machine.
      await Promise.all(
        Array.from({ length: drivers }, async (_, i) => {
          const { user, driver } = await placeDriver(deps, regionId, random.next() * 4, {
            wheelchair_accessible: i % 7 === 0,
          });
          driverTokens.set(driver.id, await tokenFor(deps, user));
        }),
      );
      const passengerTokens = await Promise.all(
        Array.from({ length: passengers }, async () => {
          const { user } = await createPassenger(deps, regionId, { allowed_companion: true });
          return tokenFor(deps, user);
        }),
      );
      const staff = await createUser(deps, 'dispatcher');
      const dispatcher: UserActor = {
        kind: 'user',
        userId: staff.id,
        role: 'dispatcher',
        sessionId: 'invariants',
        passengerId: null,
        driverId: null,
      };
      return { driverTokens, passengerTokens, dispatcher };
    }

    async function createOrderViaApi(
      token: string,
      options: { far?: boolean; wheelchair?: boolean },
    ) {
      const jitter = () => (random.next() - 0.5) * 0.04;
      const pickup = options.far
        ? { lat: 48.5, lon: 54.5 }
        : { lat: 47.1067 + jitter(), lon: 51.9167 + jitter() };
      const response = await app.request('POST', '/api/orders/', {
        token,
        body: {
          pickup_title: 'Home',
          dropoff_title: 'Clinic',
          pickup_lat: pickup.lat,
          pickup_lon: pickup.lon,
          dropoff_lat: 47.12,
          dropoff_lon: 51.95,
          has_companion: random.next() < 0.2,
          needs_wheelchair_access: options.wheelchair ?? false,
        },
      });
      if (response.status !== 201)
        throw new Error(`create: ${response.status} ${JSON.stringify(response.body)}`);
      return (response.body as { id: string }).id;
    }

    /** Watches every snapshot rule until stopped; returns every problem seen. */
    function watchSnapshots() {
      const seen: string[] = [];
      let checks = 0;
      let running = true;
      const done = (async () => {
        while (running) {
          const result = await deps.db.knex.raw<{ rows: { problem: string; subject: string }[] }>(
            snapshotCheck,
          );
          checks++;
          for (const row of result.rows) seen.push(`${row.problem}: ${row.subject}`);
          await sleep(100);
        }
      })();
      return {
        stop: async () => {
          running = false;
          await done;
          return { problems: seen, checks };
        },
      };
    }

    /** Plays the fleet: answers each new offer (accept, decline or ignore) and finishes trips. */
    function simulateFleet(driverTokens: Map<number, string>, dispatcher: UserActor) {
      const answered = new Set<number>();
      const tally = { accepted: 0, declined: 0, ignored: 0, closed409: 0, completed: 0 };
      const inFlight = new Set<Promise<unknown>>();
      let running = true;
      const track = (work: Promise<unknown>) => {
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      };
      const finishTrip = async (orderId: string) => {
        await sleep(random.next() * 100);
        // Through the status use case rather than HTTP: the trip is not what is under test,
        // and this keeps the test process's CPU for the engine's side.
        for (const to of [
          'driver_en_route',
          'arrived_waiting',
          'ride_ongoing',
          'completed',
        ] as const) {
          await changeOrderStatus(deps, dispatcher, { orderId, to });
        }
        tally.completed++;
      };
      const answer = async (offer: { id: number; driver_id: number; order_id: string }) => {
        const token = driverTokens.get(offer.driver_id)!;
        const roll = random.next();
        if (roll < 0.2) {
          tally.ignored++;
          return;
        }
        await sleep(random.next() * 50);
        const action = roll < 0.75 ? 'accept' : 'decline';
        const r = await app.request('POST', `/api/dispatch/offers/${offer.id}/${action}/`, {
          token,
          body: {},
        });
        if (r.status === 409) {
          tally.closed409++;
          return;
        }
        if (r.status !== 200)
          throw new Error(`${action} ${offer.id}: ${r.status} ${JSON.stringify(r.body)}`);
        if (action === 'decline') {
          tally.declined++;
          return;
        }
        tally.accepted++;
        await finishTrip(offer.order_id);
      };
      const errors: unknown[] = [];
      const loop = (async () => {
        while (running) {
          const offers: {
            id: number;
            driver_id: number;
            order_id: string;
          }[] = await deps.db
            .knex('offers')
            .where({ status: 'pending' })
            .select('id', 'driver_id', 'order_id');
          for (const offer of offers) {
            if (answered.has(offer.id)) continue;
            answered.add(offer.id);
            track(answer(offer).catch((e: unknown) => errors.push(e)));
          }
          await sleep(30);
        }
        await Promise.all([...inFlight]);
      })();
      return {
        tally,
        stop: async () => {
          running = false;
          await loop;
          return errors;
        },
      };
    }

    async function waitUntilSettled(orderIds: string[], timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open: { n: number }[] = await deps.db
          .knex('orders')
          .whereIn('id', orderIds)
          .whereNotIn('status', finalStatuses)
          .count({ n: '*' });
        if (Number(open[0]!.n) === 0) return;
        if (Date.now() > deadline) {
          const counts = await deps.db.knex('orders').groupBy('status').select('status').count();
          throw new Error(`${open[0]!.n} orders still open: ${JSON.stringify(counts)}`);
        }
        await sleep(200);
      }
    }

    async function historyProblems(orderIds: string[]) {
      const orders: {
        id: string;
        status: string;
        version: number;
      }[] = await deps.db.knex('orders').whereIn('id', orderIds).select('id', 'status', 'version');
      const events: EventRow[] = await deps.db
        .knex('order_events')
        .whereIn('order_id', orderIds)
        .orderBy(['order_id', 'version'])
        .select('id', 'order_id', 'version', 'from_status', 'to_status', 'data');
      const byOrder = new Map<string, EventRow[]>();
      for (const e of events) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) ?? []), e]);
      const problems: string[] = [];
      const holds = orders.flatMap((order) => {
        const chain = byOrder.get(order.id) ?? [];
        problems.push(...checkOrderChain(order, chain));
        return driverHoldsOf(chain, problems);
      });
      problems.push(...overlappingHolds(holds));
      return { problems, holds: holds.length, events: events.length };
    }

    it('when 3 workers race on 500 orders with a fleet that accepts, declines and ignores, then no driver or order is ever held twice', async () => {
      const { driverTokens, passengerTokens, dispatcher } = await fleetAndPassengers(110, 40);
      workers.push(
        ...(await Promise.all(
          [0, 1, 2].map((n) => startWorkerProcess({ ...workerEnv, ...named(`invariants-w${n}`) })),
        )),
      );
      let killedMidRound: string | null = null;
      const watch = watchSnapshots();
      const fleet = simulateFleet(driverTokens, dispatcher);

      const orderIds: string[] = [];
      // INVARIANT_ORDERS only to try the test quickly by hand; the suite runs 510.
      const total = Number(process.env.INVARIANT_ORDERS ?? 510);
      for (let batch = 0; batch < Math.ceil(total / 30); batch++) {
        const created = await Promise.all(
          Array.from({ length: 30 }, (_, i) => {
            const n = batch * 30 + i;
            return createOrderViaApi(passengerTokens[n % passengerTokens.length]!, {
              far: n % 100 === 7,
              wheelchair: n % 20 === 3,
            });
          }),
        );
        orderIds.push(...created);
        // Batch mode, half-way: SIGKILL the worker holding a round lock, i.e. in mid-round.
        if (policy === 'batch' && batch === Math.floor(total / 60)) {
          killedMidRound = await killRoundHolder(workers);
          workers.push(await startWorkerProcess({ ...workerEnv, ...named('invariants-w3') }));
        }
        await sleep(50);
      }
      await waitUntilSettled(orderIds, 120_000);
      const fleetErrors = await fleet.stop();
      const snapshots = await watch.stop();

      expect(fleetErrors.map(String)).to.deep.equal([]);
      expect(snapshots.problems).to.deep.equal([]);
      expect(snapshots.checks).to.be.greaterThan(20);
      const history = await historyProblems(orderIds);
      expect(history.problems).to.deep.equal([]);

      const finals: {
        status: string;
        rejection_reason: string | null;
      }[] = await deps.db
        .knex('orders')
        .whereIn('id', orderIds)
        .select('status', 'rejection_reason');
      expect(finals).to.have.length(total);
      for (const order of finals) {
        expect(finalStatuses).to.include(order.status);
        if (order.status === 'awaiting_dispatcher_decision')
          expect(order.rejection_reason).to.be.a('string').and.not.empty;
      }
      // How many finish depends on the machine's speed (slow answers expire); that every path
      // ran, and that every order ended legally, does not.
      const completed = finals.filter((o) => o.status === 'completed').length;
      expect(completed).to.equal(fleet.tally.completed);
      expect(completed).to.be.greaterThan(0);
      // The far-away pickups found nobody and were handed to a dispatcher with the reason.
      expect(
        finals.filter((o) => o.rejection_reason?.startsWith('No driver is online')),
      ).to.have.length.at.least(Math.ceil((total - 7) / 100));
      expect(fleet.tally.declined).to.be.greaterThan(0);
      expect(fleet.tally.ignored).to.be.greaterThan(0);
      const pending = await deps.db.knex('offers').where({ status: 'pending' }).count({ n: '*' });
      expect(Number((pending[0] as { n: number }).n)).to.equal(0);
      const expired = await deps.db.knex('offers').where({ status: 'expired' }).count({ n: '*' });
      expect(Number((expired[0] as { n: number }).n)).to.be.at.least(fleet.tally.ignored);
      const busy = await deps.db
        .knex('drivers')
        .whereNot({ status: 'online_idle' })
        .count({ n: '*' });
      expect(Number((busy[0] as { n: number }).n)).to.equal(0);
      if (policy === 'batch') expect(killedMidRound).to.match(/^invariants-w[0-2]$/);
    });

    /**
     * Books an order per passenger of a fresh fleet (12 drivers, 6 passengers) while no worker
     * runs, so their dispatch waits, then holds the orders' row locks until `release()`: a
     * worker's job or round that starts meanwhile stops inside its own transaction.
     */
    async function bookedWithRowsHeld() {
      const { passengerTokens } = await fleetAndPassengers(12, 6);
      const orderIds = await Promise.all(
        passengerTokens.map((token) => createOrderViaApi(token, {})),
      );
      let releaseRows: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (releaseRows = resolve));
      let markLocked: () => void = () => undefined;
      const locked = new Promise<void>((resolve) => (markLocked = resolve));
      const holder = deps.db.knex.transaction(async (trx) => {
        await trx('orders').whereIn('id', orderIds).forUpdate();
        markLocked();
        await released;
      });
      await locked;
      const release = async () => {
        releaseRows();
        await holder;
      };
      return { orderIds, release };
    }

    /** Every order ends offered, to one driver each, once, with a clean history. */
    async function expectEachOfferedOnce(orderIds: string[]) {
      await until(async () => {
        const rows = await deps.db
          .knex('orders')
          .whereIn('id', orderIds)
          .whereNot({ status: 'offered' });
        return rows.length === 0;
      }, 30_000);
      for (const orderId of orderIds) {
        const offers = await deps.db.knex('offers').where({ order_id: orderId });
        expect(offers, orderId).to.have.length(1);
      }
      const offeredDrivers = await deps.db.knex('offers').distinct('driver_id');
      expect(offeredDrivers).to.have.length(orderIds.length);
      const history = await historyProblems(orderIds);
      expect(history.problems).to.deep.equal([]);
    }

    /** Waits for a worker to hold a round lock, SIGKILLs it, and returns its name. */
    async function killRoundHolder(running: WorkerProcess[]): Promise<string> {
      let holder: string | undefined;
      await until(async () => {
        const rows = (await deps.db.knex.raw<{ rows: { name: string }[] }>(roundLockHolders)).rows;
        holder = rows.find((r) => r.name.startsWith('invariants-w'))?.name;
        return holder !== undefined;
      });
      const victim = running[Number(holder!.slice('invariants-w'.length))]!;
      await victim.kill('SIGKILL');
      return holder!;
    }

    if (policy === 'ranked')
      it('when a worker is killed with SIGKILL in the middle of jobs, then another worker finishes them once', async () => {
        // The first worker's jobs will stop inside their transaction, on the held rows.
        const { orderIds, release } = await bookedWithRowsHeld();

        // Offers outlive the test: every order stays offered once, so nothing re-dispatches it.
        const env = { ...workerEnv, DISPATCH_OFFER_TIMEOUT_SECONDS: '600' };
        const doomed = await startWorkerProcess(env);
        workers.push(doomed);
        await until(async () => (await deps.queues.dispatch.getActiveCount()) === orderIds.length);
        await doomed.kill('SIGKILL');
        workers.push(await startWorkerProcess(env));
        await release();

        await expectEachOfferedOnce(orderIds);
        const jobIds: string[] = await deps.db
          .knex('outbox_messages')
          .where({ topic: 'dispatch.match-order' })
          .pluck('job_id');
        expect(jobIds).to.have.length(orderIds.length);
        for (const jobId of jobIds) {
          const job = await deps.queues.dispatch.getJob(jobId);
          expect(await job?.getState(), jobId).to.equal('completed');
        }
      });

    if (policy === 'batch')
      it('when a worker is killed with SIGKILL in the middle of a round, then the next tick on another worker takes the round over and offers each order once', async () => {
        // The first worker's round will stop inside its first offer, on the held rows.
        const { orderIds, release } = await bookedWithRowsHeld();

        // Offers outlive the test, and nobody gives up meanwhile: each order is offered once.
        const env = {
          ...workerEnv,
          DISPATCH_OFFER_TIMEOUT_SECONDS: '600',
          DISPATCH_GIVE_UP_SECONDS: '600',
        };
        const doomed = await startWorkerProcess({ ...env, ...named('invariants-doomed') });
        workers.push(doomed);
        // Mid-round: the doomed worker holds the round lock and one of its offers waits on a row.
        await until(async () => {
          const holders = (await deps.db.knex.raw<{ rows: { name: string }[] }>(roundLockHolders))
            .rows;
          const waiting = await deps.db.knex.raw<{ rows: unknown[] }>(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database()
            AND application_name = 'invariants-doomed' AND wait_event_type = 'Lock'`,
          );
          return holders.some((h) => h.name === 'invariants-doomed') && waiting.rows.length > 0;
        });
        await doomed.kill('SIGKILL');
        // The lock died with the doomed worker's connection (it was idle in its transaction).
        await until(async () => {
          const holders = (await deps.db.knex.raw<{ rows: { name: string }[] }>(roundLockHolders))
            .rows;
          return !holders.some((h) => h.name === 'invariants-doomed');
        });
        workers.push(await startWorkerProcess({ ...env, ...named('invariants-heir') }));
        // The heir's tick takes the round over (its first offer now waits on the same rows).
        await until(async () => {
          const holders = (await deps.db.knex.raw<{ rows: { name: string }[] }>(roundLockHolders))
            .rows;
          return holders.some((h) => h.name === 'invariants-heir');
        });
        await release();

        await expectEachOfferedOnce(orderIds);
      });
  });
}
