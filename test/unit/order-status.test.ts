import { expect } from 'chai';
import {
  driverStatusFor,
  isLegalTransition,
  orderStatuses,
  roleMayRequest,
  terminalStatuses,
  transitions,
  type OrderStatus,
} from '../../lib/orders/order-status.js';

describe('order status machine', () => {
  const legal: [OrderStatus, OrderStatus][] = [
    ['draft', 'submitted'],
    ['submitted', 'matching'],
    ['submitted', 'active_queue'],
    ['submitted', 'awaiting_dispatcher_decision'],
    ['awaiting_dispatcher_decision', 'assigned'],
    ['matching', 'offered'],
    ['offered', 'assigned'],
    ['offered', 'matching'],
    ['assigned', 'driver_en_route'],
    ['driver_en_route', 'matching'],
    ['arrived_waiting', 'no_show'],
    ['ride_ongoing', 'incident'],
    ['incident', 'completed'],
  ];
  for (const [from, to] of legal) {
    it(`when ${from} → ${to}, then it is legal`, () => {
      expect(isLegalTransition(from, to)).to.equal(true);
    });
  }

  const illegal: [OrderStatus, OrderStatus][] = [
    ['completed', 'cancelled'],
    ['ride_ongoing', 'cancelled'],
    ['matching', 'completed'],
    ['active_queue', 'offered'],
    ['assigned', 'completed'],
    ['cancelled', 'matching'],
  ];
  for (const [from, to] of illegal) {
    it(`when ${from} → ${to}, then it is illegal`, () => {
      expect(isLegalTransition(from, to)).to.equal(false);
    });
  }

  it('when a status is terminal, then nothing follows it', () => {
    for (const status of terminalStatuses) expect(transitions[status]).to.deep.equal([]);
  });

  it('when every status is listed, then each has an entry in the table', () => {
    expect(Object.keys(transitions).sort()).to.deep.equal([...orderStatuses].sort());
  });

  it('when a passenger asks, then only cancelling before the ride is allowed', () => {
    expect(roleMayRequest('passenger', 'matching', 'cancelled')).to.equal(true);
    expect(roleMayRequest('passenger', 'arrived_waiting', 'cancelled')).to.equal(true);
    expect(roleMayRequest('passenger', 'ride_ongoing', 'cancelled')).to.equal(false);
    expect(roleMayRequest('passenger', 'assigned', 'driver_en_route')).to.equal(false);
  });

  it('when a driver asks, then only the trip steps are allowed', () => {
    expect(roleMayRequest('driver', 'assigned', 'driver_en_route')).to.equal(true);
    expect(roleMayRequest('driver', 'ride_ongoing', 'completed')).to.equal(true);
    expect(roleMayRequest('driver', 'assigned', 'cancelled')).to.equal(false);
    expect(roleMayRequest('driver', 'matching', 'assigned')).to.equal(false);
  });

  it('when staff ask, then any legal transition may be requested', () => {
    expect(roleMayRequest('dispatcher', 'matching', 'assigned')).to.equal(true);
    expect(roleMayRequest('admin', 'submitted', 'rejected')).to.equal(true);
  });

  it('when the trip ends or goes back to matching, then the driver is freed', () => {
    for (const to of ['completed', 'cancelled', 'no_show', 'matching'] as const) {
      expect(driverStatusFor(to)).to.equal('free');
    }
    expect(driverStatusFor('assigned')).to.equal('enroute_to_pickup');
    expect(driverStatusFor('ride_ongoing')).to.equal('on_trip');
  });
});
