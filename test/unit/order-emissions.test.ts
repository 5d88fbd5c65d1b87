import { expect } from 'chai';
import type { OrderEventRow, OrderRow } from '../../db/repositories/order.repository.js';
import type { Emission, FanoutAction } from '../../lib/realtime/fanout-channel.js';
import { buildOrderMessages } from '../../lib/realtime/order-emissions.js';

const at = new Date('2026-11-26T10:00:00Z');

function order(overrides: Partial<OrderRow> = {}): OrderRow {
  return {
    id: 'order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
    version: 3,
    passenger_id: 7,
    driver_id: 9,
    region_id: 'atyrau_center',
    pickup_title: 'Home',
    dropoff_title: 'Clinic',
    pickup_lat: 47.1,
    pickup_lon: 51.9,
    dropoff_lat: 47.12,
    dropoff_lon: 51.95,
    pickup_object_name: null,
    dropoff_object_name: null,
    desired_pickup_time: null,
    has_companion: false,
    seats_needed: 1,
    needs_wheelchair_access: false,
    note: null,
    status: 'assigned',
    created_at: at,
    updated_at: at,
    assigned_at: at,
    completed_at: null,
    cancelled_at: null,
    assignment_reason: null,
    rejection_reason: null,
    cancel_reason: null,
    distance_km: null,
    video_recording: false,
    upload_started: false,
    driver: { id: 9, name: 'Aidar', car_model: 'Staria', plate_number: '123ABC06' },
    ...overrides,
  } as unknown as OrderRow;
}

const event = (version: number, from: string | null, to: string, data = {}): OrderEventRow =>
  ({
    order_id: 'order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
    version,
    from_status: from,
    to_status: to,
    data,
    created_at: at,
  }) as unknown as OrderEventRow;

const emitted = (actions: FanoutAction[]) =>
  actions.filter((a): a is Emission => a.type === 'emit').map((a) => a.event);

describe('order emissions', () => {
  it('when one version is new, then its status event and the snapshot go to the union of rooms', () => {
    const messages = buildOrderMessages(order(), [event(3, 'matching', 'assigned')]);
    expect(messages.map((m) => m.version)).to.deep.equal([3]);
    const actions = messages[0]!.message;
    expect(emitted(actions)).to.deep.equal([
      'order_status_changed',
      'driver_assigned',
      'order_update',
    ]);
    const status = actions[0] as Extract<Emission, { event: 'order_status_changed' }>;
    expect(status.rooms).to.have.members([
      'order:order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
      'passenger:7',
      'driver:9',
      'staff',
    ]);
    expect(status.payload).to.deep.equal({
      byLocale: {
        ru: {
          order_id: 'order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
          status: 'assigned',
          previous_status: 'matching',
          status_display: 'Водитель назначен',
          version: 3,
        },
        en: {
          order_id: 'order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
          status: 'assigned',
          previous_status: 'matching',
          status_display: 'Driver assigned',
          version: 3,
        },
      },
    });
  });

  it('when several versions are caught up, then each keeps its own previous status and only the newest carries the snapshot', () => {
    const messages = buildOrderMessages(order({ version: 5, status: 'arrived_waiting' }), [
      event(3, 'matching', 'assigned'),
      event(4, 'assigned', 'driver_en_route'),
      event(5, 'driver_en_route', 'arrived_waiting'),
    ]);
    expect(messages.map((m) => m.version)).to.deep.equal([3, 4, 5]);
    expect(messages.map((m) => emitted(m.message))).to.deep.equal([
      ['order_status_changed', 'driver_assigned'],
      ['order_status_changed'],
      ['order_status_changed', 'driver_arrived', 'order_update'],
    ]);
  });

  it('when an assignment was undone later in the batch, then no driver_assigned names the released driver', () => {
    const messages = buildOrderMessages(
      order({ version: 4, status: 'matching', driver_id: null, driver: null }),
      [
        event(3, 'matching', 'assigned'),
        event(4, 'assigned', 'matching', { released_driver_id: 9 }),
      ],
    );
    expect(messages.flatMap((m) => emitted(m.message))).not.to.include('driver_assigned');
    const release = messages[1]!.message;
    expect((release[0] as Emission).rooms).to.include('driver:9');
    expect(release[1]).to.deep.equal({
      type: 'leave',
      rooms: ['driver:9'],
      room: 'order:order_01JDZZZZZZZZZZZZZZZZZZZZZZ',
    });
  });

  it('when the version changed without a status event, then only the snapshot goes out', () => {
    const messages = buildOrderMessages(order({ version: 6 }), []);
    expect(messages.map((m) => [m.version, emitted(m.message)])).to.deep.equal([
      [6, ['order_update']],
    ]);
  });
});
