import { expect } from 'chai';
import { assignmentProblem } from '../../lib/orders/assign-driver-manually.js';
import { statusRequestRefusal } from '../../lib/orders/change-order-status.js';
import type { UserRole } from '../../lib/auth/actor.js';
import type { OrderStatus } from '../../lib/orders/order-status.js';

describe('order request rules', () => {
  describe('who may ask for a status change', () => {
    const cases: [UserRole, OrderStatus, OrderStatus, 'forbidden' | 'illegal' | null][] = [
      ['passenger', 'matching', 'cancelled', null],
      ['passenger', 'arrived_waiting', 'cancelled', null],
      ['passenger', 'matching', 'completed', 'forbidden'],
      ['passenger', 'ride_ongoing', 'completed', 'forbidden'],
      ['passenger', 'ride_ongoing', 'cancelled', 'illegal'],
      ['passenger', 'incident', 'cancelled', 'forbidden'],
      ['passenger', 'cancelled', 'cancelled', 'illegal'],
      ['driver', 'assigned', 'driver_en_route', null],
      ['driver', 'arrived_waiting', 'no_show', null],
      ['driver', 'ride_ongoing', 'completed', null],
      ['driver', 'assigned', 'completed', 'illegal'],
      ['driver', 'assigned', 'cancelled', 'forbidden'],
      ['driver', 'matching', 'awaiting_dispatcher_decision', 'forbidden'],
      ['dispatcher', 'matching', 'awaiting_dispatcher_decision', null],
      ['admin', 'incident', 'cancelled', null],
      ['dispatcher', 'matching', 'completed', 'illegal'],
      ['admin', 'completed', 'matching', 'illegal'],
    ];
    for (const [role, from, to, expected] of cases) {
      it(`when a ${role} asks ${from} → ${to}, then ${expected ?? 'allowed'}`, () => {
        expect(statusRequestRefusal(role, from, to)).to.equal(expected);
      });
    }
  });

  describe('whether a driver can be assigned by hand', () => {
    const free = {
      is_active: true,
      is_online: true,
      status: 'online_idle',
      capacity: 4,
      wheelchair_accessible: false,
    };
    const solo = { seats_needed: 1, needs_wheelchair_access: false };
    const cases: [string, Partial<typeof free>, Partial<typeof solo>, string | null][] = [
      ['a free driver', {}, {}, null],
      ['a deactivated driver', { is_active: false }, {}, 'driver_inactive'],
      ['an offline driver', { is_online: false, status: 'offline' }, {}, 'driver_offline'],
      ['a driver with an offer', { status: 'offered' }, {}, 'driver_busy'],
      ['a driver on a trip', { status: 'on_trip' }, {}, 'driver_busy'],
      [
        'a one-seat car for a companion trip',
        { capacity: 1 },
        { seats_needed: 2 },
        'insufficient_capacity',
      ],
      ['a two-seat car for a companion trip', { capacity: 2 }, { seats_needed: 2 }, null],
      [
        'a plain car for a wheelchair',
        {},
        { needs_wheelchair_access: true },
        'not_wheelchair_accessible',
      ],
      [
        'an accessible van for a wheelchair',
        { wheelchair_accessible: true },
        { needs_wheelchair_access: true },
        null,
      ],
      ['an accessible van for an ambulatory trip', { wheelchair_accessible: true }, {}, null],
    ];
    for (const [name, driver, order, expected] of cases) {
      it(`when ${name}, then ${expected ?? 'assignable'}`, () => {
        expect(assignmentProblem({ ...free, ...driver }, { ...solo, ...order })).to.equal(expected);
      });
    }
  });
});
