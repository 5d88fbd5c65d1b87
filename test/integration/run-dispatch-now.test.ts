import { expect } from 'chai';
import type { UserActor } from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { acceptOffer, declineOffer } from '../../lib/dispatch/answer-offer.js';
import { runDispatchNow } from '../../lib/dispatch/run-dispatch-now.js';
import { systemActor } from '../../lib/auth/actor.js';
import { transitionOrder } from '../../lib/orders/transition-order.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion, createUser } from '../helpers/factories.js';
import { createOrderIn, placeDriver } from '../helpers/dispatch-fixtures.js';
import { pollUntil } from '../helpers/poll-until.js';

describe('runDispatchNow', () => {
  let deps: AppDeps;
  let passenger: { id: number; user_id: number; region_id: string };
  let dispatcher: UserActor;
  let regionId: string;

  before(() => {
    deps = createTestDeps({ DISPATCH_ASSIGN_WAIT_MS: '1500' });
  });
  after(() => closeDeps(deps));
  beforeEach(async () => {
    await resetState(deps);
    regionId = (await createRegion(deps, { id: 'atyrau' })).id;
    passenger = (await createPassenger(deps, regionId)).passenger;
    const user = await createUser(deps, 'dispatcher');
    dispatcher = {
      kind: 'user',
      userId: user.id,
      role: 'dispatcher',
      sessionId: 's',
      passengerId: null,
      driverId: null,
    };
  });

  /** An order the engine handed back to the dispatcher. */
  async function handedBackOrder(within = deps): Promise<string> {
    const orderId = await createOrderIn(within, passenger);
    await within.db.transaction((trx) =>
      transitionOrder(
        trx,
        { orderId, to: 'awaiting_dispatcher_decision', actor: systemActor, reason: 'nobody' },
        within.clock.now(),
        within.config.dispatch,
      ),
    );
    return orderId;
  }

  /** The offer the engine made on the order, once it exists. */
  async function offerOf(orderId: string, within = deps): Promise<{ id: number }> {
    let offer: { id: number } | undefined;
    await pollUntil(
      async () => {
        offer = (await within.db.knex('offers').where({ order_id: orderId }).first()) as
          { id: number } | undefined;
        return offer !== undefined;
      },
      5000,
      'the engine to make an offer',
    );
    return offer!;
  }

  it('when the offered driver accepts within the wait, then a decision naming the driver', async () => {
    const { driver } = await placeDriver(deps, regionId, 1);
    const orderId = await handedBackOrder();
    const driverActor: UserActor = { ...dispatcher, role: 'driver', driverId: driver.id };
    const accepting = (async () => {
      const offer = await offerOf(orderId);
      return acceptOffer(deps, driverActor, { offerId: offer.id });
    })();
    const result = await runDispatchNow(deps, dispatcher, { orderId, locale: 'en' });
    await accepting;
    expect(result).to.include({ decided: true, success: true, driver_id: driver.id });
    expect(result.order.status).to.equal('assigned');
  });

  it('when the clock passes the deadline, then the next change of the order ends the wait (no real-time wait)', async () => {
    let now = Date.now();
    const clock = { now: () => new Date(now) };
    const clocked = createTestDeps({ DISPATCH_ASSIGN_WAIT_MS: '60000' }, clock);
    try {
      const { driver } = await placeDriver(clocked, regionId, 1);
      const orderId = await handedBackOrder(clocked);
      const started = Date.now();
      const running = runDispatchNow(clocked, dispatcher, { orderId, locale: 'en' });
      const offer = await offerOf(orderId, clocked);
      now += 61_000;
      // A change that decides nothing (back to matching): it wakes the wait, which is over.
      const driverActor: UserActor = { ...dispatcher, role: 'driver', driverId: driver.id };
      await declineOffer(clocked, driverActor, { offerId: offer.id, reason: 'busy' });
      const result = await running;
      expect(result.decided).to.equal(false);
      // The offer's own announcement may reach the wait after the clock moved and end it
      // first; either way the wait ended on a change, undecided, without waiting 60 s.
      expect(result.order.status).to.be.oneOf(['offered', 'matching']);
      expect(Date.now() - started).to.be.below(30_000);
    } finally {
      await closeDeps(clocked);
    }
  });

  it('when nobody answers within the wait, then no decision and the order is still being dispatched', async () => {
    await placeDriver(deps, regionId, 1);
    const orderId = await handedBackOrder();
    const started = Date.now();
    const result = await runDispatchNow(deps, dispatcher, { orderId, locale: 'en' });
    expect(Date.now() - started).to.be.at.least(1400);
    expect(result.decided).to.equal(false);
    expect(result.order.status).to.equal('offered');
  });

  it('when the order already has its driver, then 409', async () => {
    const { driver } = await placeDriver(deps, regionId, 1);
    const orderId = await createOrderIn(deps, passenger);
    await deps.db.transaction((trx) =>
      transitionOrder(
        trx,
        { orderId, to: 'assigned', actor: systemActor, patch: { driver_id: driver.id } },
        deps.clock.now(),
        deps.config.dispatch,
      ),
    );
    const error = await runDispatchNow(deps, dispatcher, { orderId, locale: 'en' }).catch(
      (e: unknown) => e,
    );
    expect(error).to.have.property('code', 'invalid_transition');
  });
});
