/**
 * The system actor (jobs, schedules, the recovery sweep) is recorded like a user where "who"
 * is stored, and no role or staff check passes for it: not by its role, and not even when
 * code forces it in where a user belongs (the compiler refuses that; see the end of file).
 */
import { expect } from 'chai';
import { requireAccess } from '../../api/http/middleware/authenticate.js';
import type { AppContext } from '../../api/http/context.js';
import {
  actorUserId,
  isStaff,
  isStaffRole,
  staffRoles,
  systemActor,
  userRoles,
  type UserActor,
  type UserRole,
} from '../../lib/auth/actor.js';
import type { AppDeps } from '../../lib/deps.js';
import { expireOffer } from '../../lib/dispatch/answer-offer.js';
import { matchOrder } from '../../lib/dispatch/match-order.js';
import { statusRequestRefusal } from '../../lib/orders/change-order-status.js';
import { isOrderInScope, scopeFilter } from '../../lib/orders/order-scope.js';
import { orderStatuses } from '../../lib/orders/order-status.js';
import { personalRoom, staffRoom } from '../../lib/realtime/rooms.js';

/** What a cast (`as unknown as UserActor`) would smuggle into a user-only check. */
const forced = systemActor as unknown as UserActor;
const contextWith = (actor: UserActor) => ({ state: { actor } }) as unknown as AppContext;

describe('the system actor', () => {
  it('when events and audit rows record who acted, then it reads as role "system" with no user', () => {
    expect(systemActor).to.deep.equal({ kind: 'system', role: 'system' });
    expect(actorUserId(systemActor)).to.equal(null);
    expect(Object.isFrozen(systemActor)).to.equal(true);
  });

  it('when its role is checked, then it is no user role and no staff role', () => {
    expect(userRoles).not.to.include(systemActor.role);
    expect(staffRoles).not.to.include(systemActor.role);
    expect(isStaffRole(systemActor.role)).to.equal(false);
    expect(isStaff(systemActor)).to.equal(false);
  });

  it('when a route lists roles, then no access rule lets it through', () => {
    const rules: (readonly UserRole[])[] = [staffRoles, ...userRoles.map((role) => [role])];
    rules.push(userRoles);
    for (const access of rules) {
      expect(() => requireAccess(contextWith(forced), access), access.join(','))
        .to.throw()
        .with.property('code', 'forbidden');
    }
  });

  it('when forced into the user-scoped checks, then it sees no order and joins no staff room', () => {
    expect(isOrderInScope(forced, { passenger_id: 1, driver_id: 1 })).to.equal(false);
    expect(scopeFilter(forced)).to.equal(null);
    expect(personalRoom(forced)).not.to.equal(staffRoom);
  });

  it('when forced into the status endpoint rule, then every change is forbidden', () => {
    for (const from of orderStatuses) {
      for (const to of orderStatuses) {
        const refusal = statusRequestRefusal(forced.role, from, to);
        expect(refusal, `${from} → ${to}`).to.equal('forbidden');
      }
    }
    // The same change is open to a dispatcher: "forbidden" above is the role's doing.
    expect(statusRequestRefusal('dispatcher', 'matching', 'cancelled')).to.equal(null);
  });
});

/**
 * Checked by `npm run typecheck`, never run: each line must fail to compile, or tsc reports
 * the unused `@ts-expect-error`. A system actor is no user; a user cannot run a job's use case.
 */
export function typeLevelChecks(deps: AppDeps, user: UserActor): void {
  // @ts-expect-error the system actor is not a UserActor
  isOrderInScope(systemActor, { passenger_id: 1, driver_id: 1 });
  // @ts-expect-error the system actor joins no personal room
  personalRoom(systemActor);
  // @ts-expect-error the engine's use case is the system's alone
  void matchOrder(deps, user, { orderId: 'order_x' });
  // @ts-expect-error so is the offer expiry
  void expireOffer(deps, user, { offerId: 1 });
}
