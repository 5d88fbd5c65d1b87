/**
 * Batch matching rounds in one process against the real database and Redis: one assignment
 * for all waiting orders, offers through the one offer path, the round lock, exclusions,
 * pre-booked release and give-up. (Real worker processes: dispatch-invariants.test.ts.)
 */
import { expect } from 'chai';
import { withRoundLock } from '../../db/repositories/batch-round.repository.js';
import { systemActor, type UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { declineOffer } from '../../lib/dispatch/answer-offer.js';
import { runBatchRounds, runRound } from '../../lib/dispatch/batch-round.js';
import { matchOrder, NoDriverYetError } from '../../lib/dispatch/match-order.js';
import { regionGroups } from '../../lib/dispatch/region-group.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';

describe('batch matching rounds', () => {
  let deps: AppDeps;
  let nowMs = Date.now();
  const clock = { now: () => new Date(nowMs) };
  let regionId: string;
  let passenger: { id: number; user_id: number; region_id: string; userId: number };

  before(() => {
    deps = createTestDeps(
      { DISPATCH_POLICY: 'batch', DISPATCH_BATCH_CANDIDATES: '3', DISPATCH_GIVE_UP_SECONDS: '60' },
      clock,
    );
  });
  after(() => closeDeps(deps));
  beforeEach(async () => {
    nowMs = Date.now();
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    const created = await createPassenger(deps, regionId);
    passenger = { ...created.passenger, userId: created.user.id };
  });

  const offersOf = async (orderId: string) =>
    (await deps.db.knex('offers').where({ order_id: orderId }).orderBy('id')) as {
      id: number;
      driver_id: number;
      status: string;
      score: number;
      distance_m: number;
    }[];
  const statusOf = async (orderId: string) =>
    ((await deps.db.knex('orders').where({ id: orderId }).first()) as { status: string }).status;
  /** One batch tick's rounds; a tick that did not run fails the test. */
  const runTick = async (tickDeps: AppDeps = deps) => {
    const tick = await runBatchRounds(tickDeps, systemActor, {});
    if (tick.kind !== 'ran') throw new Error(`the tick did not run: ${JSON.stringify(tick)}`);
    return tick.rounds;
  };

  it('when two orders compete for the nearest driver, then one round gives each a driver at the least total cost', async () => {
    // Both pickups are at the same spot: greedy would give the 0.5 km driver to whichever came
    // first; any assignment of {0.5, 1.5} km costs the same, so each order gets one of them.
    const near = await placeDriver(deps, regionId, 0.5);
    const next = await placeDriver(deps, regionId, 1.5);
    await placeDriver(deps, regionId, 9);
    const a = await createOrderIn(deps, passenger);
    const b = await createOrderIn(deps, passenger);

    const [summary] = await runTick();
    expect(summary).to.deep.include({ group: 'all', ran: true, orders: 2, pairs: 2, offered: 2 });
    const drivers = [(await offersOf(a))[0]!.driver_id, (await offersOf(b))[0]!.driver_id];
    expect(drivers.sort()).to.deep.equal([near.driver.id, next.driver.id].sort());
    expect(await statusOf(a)).to.equal('offered');
    expect(await statusOf(b)).to.equal('offered');
    // Same outbox rows as the ranked path: an expiry job and a realtime message per offer.
    const topics = (await deps.db.knex('outbox_messages').pluck('topic')) as string[];
    expect(topics.filter((t) => t === 'dispatch.expire-offer')).to.have.length(2);
    expect(topics.filter((t) => t === 'realtime.offer-changed')).to.have.length(2);
    // A second round finds nothing waiting, so it offers nothing twice.
    const [again] = await runTick();
    expect(again).to.equal(undefined);
  });

  it('when the cost weights say so, then the round prefers a regular car over a nearer accessible van for an ambulatory trip', async () => {
    await placeDriver(deps, regionId, 0.4, { wheelchair_accessible: true });
    const car = await placeDriver(deps, regionId, 1.2);
    const orderId = await createOrderIn(deps, passenger);
    await runTick();
    const [offer] = await offersOf(orderId);
    // 1,200 m beats 400 m + 1,500 m reserve; the offer records the pair's cost as its score.
    expect(offer).to.include({ driver_id: car.driver.id, status: 'pending' });
    expect(offer!.distance_m).to.be.closeTo(1200, 15);
    expect(offer!.score).to.be.closeTo(1200, 15);
  });

  it('when a driver declines, then the next round offers the order to someone else and never to them again', async () => {
    const first = await placeDriver(deps, regionId, 0.5);
    const second = await placeDriver(deps, regionId, 2);
    const orderId = await createOrderIn(deps, passenger);
    await runTick();
    const [offer] = await offersOf(orderId);
    expect(offer!.driver_id).to.equal(first.driver.id);
    const actor: UserActor = {
      kind: 'user',
      userId: first.user.id,
      role: 'driver',
      sessionId: 'batch-rounds',
      passengerId: null,
      driverId: first.driver.id,
    };
    await declineOffer(deps, actor, { offerId: offer!.id, reason: 'flat tyre' });
    expect(await statusOf(orderId)).to.equal('matching');
    await runTick();
    const offers = await offersOf(orderId);
    expect(offers.map((o) => [o.driver_id, o.status])).to.deep.equal([
      [first.driver.id, 'declined'],
      [second.driver.id, 'pending'],
    ]);
  });

  it('when the nearest drivers are not eligible, then the search widens until it finds enough who are', async () => {
    // 3 candidates wanted, so the index is first asked for 6: the six nearest are not
    // accessible, and the order needs a wheelchair-accessible vehicle.
    for (let i = 0; i < 6; i++) await placeDriver(deps, regionId, 0.2 + i * 0.1);
    const van = await placeDriver(deps, regionId, 5, { wheelchair_accessible: true });
    const orderId = await createOrderIn(deps, passenger, 'matching', {
      needs_wheelchair_access: true,
    });
    await runTick();
    expect((await offersOf(orderId))[0]?.driver_id).to.equal(van.driver.id);
  });

  it("when another worker holds the group's round lock, then this round does nothing, and runs once the lock is free", async () => {
    await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger);
    const group = regionGroups([regionId], 'priority')[0]!;
    const inner = await withRoundLock(deps.db, group.key, () =>
      runRound(deps, systemActor, { group }),
    );
    expect(inner).to.deep.equal({
      locked: true,
      value: { group: 'all', ran: false, orders: 0, pairs: 0, offered: 0, missed: 0 },
    });
    expect(await offersOf(orderId)).to.have.length(0);
    expect(await runRound(deps, systemActor, { group })).to.include({ ran: true, offered: 1 });
  });

  it('when region mode is hard, then each region is its own group and its round offers only its own drivers', async () => {
    expect(regionGroups(['b', 'a', 'b'], 'hard').map((g) => g.key)).to.deep.equal([
      'region:a',
      'region:b',
    ]);
    expect(regionGroups(['b', 'a'], 'priority')).to.deep.equal([{ key: 'all', regionIds: null }]);
    expect(regionGroups([], 'priority')).to.deep.equal([]);
    const hard = createTestDeps({ DISPATCH_POLICY: 'batch', DISPATCH_REGION_MODE: 'hard' }, clock);
    try {
      const other = (await createRegion(deps, { id: 'other' })).id;
      await placeDriver(deps, other, 0.3);
      const own = await placeDriver(deps, regionId, 3);
      const orderId = await createOrderIn(deps, passenger);
      const summaries = await runTick(hard);
      expect(summaries.map((s) => s.group)).to.deep.equal(['region:atyrau']);
      expect((await offersOf(orderId))[0]?.driver_id).to.equal(own.driver.id);
    } finally {
      await closeDeps(hard);
    }
  });

  it('when the policy is ranked, then a tick left in Redis runs no round and offers nothing', async () => {
    await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger);
    const ranked = createTestDeps({ DISPATCH_POLICY: 'ranked' }, clock);
    try {
      expect(await runBatchRounds(ranked, systemActor, {})).to.deep.equal({
        kind: 'skipped',
        policy: 'ranked',
      });
      expect(await offersOf(orderId)).to.have.length(0);
      // The same waiting order is offered by a batch tick: the skip was the policy's.
      expect((await runTick()).map((r) => r.offered)).to.deep.equal([1]);
    } finally {
      await closeDeps(ranked);
    }
  });

  it('in batch mode the match job never offers: it waits, releases pre-booked orders, and gives up at the deadline with the reason', async () => {
    await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger);
    let thrown: unknown;
    await matchOrder(deps, systemActor, { orderId }).catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(NoDriverYetError);
    expect(await offersOf(orderId)).to.have.length(0);

    const prebooked = await createOrderIn(deps, passenger, 'active_queue', {
      desired_pickup_time: new Date(nowMs + 60 * 60_000), // beyond the 30-minute lead time
    });
    expect(await matchOrder(deps, systemActor, { orderId: prebooked })).to.deep.equal({
      kind: 'queue_released',
    });
    expect(await statusOf(prebooked)).to.equal('matching');

    const far = await createOrderIn(deps, passenger, 'matching', {
      pickup_lat: 48.5,
      pickup_lon: 54.5,
    });
    nowMs += 61_000;
    const outcome = await matchOrder(deps, systemActor, { orderId: far });
    expect(outcome.kind).to.equal('gave_up');
    expect(await statusOf(far)).to.equal('awaiting_dispatcher_decision');
    const row = (await deps.db.knex('orders').where({ id: far }).first()) as {
      rejection_reason: string;
    };
    expect(row.rejection_reason).to.match(/^No driver is online/);
  });
});
