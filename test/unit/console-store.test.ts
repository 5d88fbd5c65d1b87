import { expect } from 'chai';
import { ConsoleStore } from '../../console/src/store.js';
import type { OrderView, StaffDriverView } from '../../console/src/types.js';

function order(id: string, version: number, status = 'searching'): OrderView {
  return { id, version, status } as unknown as OrderView;
}

function held(store: ConsoleStore): Record<string, number> {
  return Object.fromEntries([...store.orders].map(([id, o]) => [id, o.version]));
}

describe('console store: snapshots and pushed changes', () => {
  it('when an order is pushed while a snapshot read is in flight, then the answer does not drop it', () => {
    const store = new ConsoleStore();
    const mark = store.beginOrdersSnapshot();
    store.upsertOrder(order('b', 1));
    store.replaceOrders([order('a', 3)], mark);
    store.endOrdersSnapshot();
    expect(held(store)).to.deep.equal({ a: 3, b: 1 });
  });

  it('when a change pushed meanwhile is newer than the answer, then the change wins; when older, the answer wins', () => {
    const store = new ConsoleStore();
    store.replaceOrders([order('a', 1), order('b', 1)], store.beginOrdersSnapshot());
    store.endOrdersSnapshot();
    const mark = store.beginOrdersSnapshot();
    store.upsertOrder(order('a', 4));
    store.upsertOrder(order('b', 2));
    store.replaceOrders([order('a', 3), order('b', 5)], mark);
    store.endOrdersSnapshot();
    expect(held(store)).to.deep.equal({ a: 4, b: 5 });
  });

  it('when an order closed before the snapshot was asked, then the snapshot drops it', () => {
    const store = new ConsoleStore();
    store.upsertOrder(order('gone', 2));
    const mark = store.beginOrdersSnapshot();
    store.replaceOrders([order('a', 1)], mark);
    store.endOrdersSnapshot();
    expect(held(store)).to.deep.equal({ a: 1 });
  });

  it('when two snapshots are answered out of order, then the one asked first is dropped', () => {
    const store = new ConsoleStore();
    const first = store.beginOrdersSnapshot();
    const second = store.beginOrdersSnapshot();
    store.replaceOrders([order('a', 2)], second);
    store.endOrdersSnapshot();
    store.replaceOrders([order('a', 1), order('stale', 1)], first);
    store.endOrdersSnapshot();
    expect(held(store)).to.deep.equal({ a: 2 });
  });
});

describe('console store: the drivers list and pushed positions', () => {
  const driver = (id: number, at: string | null, lat = 47.1) =>
    ({
      id,
      current_lat: lat,
      current_lon: 51.9,
      current_position: { lat, lon: 51.9 },
      last_location_update: at,
    }) as unknown as StaffDriverView;

  it('when a position pushed while the list was read is newer than the list’s, then it is kept', () => {
    const store = new ConsoleStore();
    store.replaceDrivers([driver(1, '2026-12-03T10:00:00.000Z'), driver(2, null)]);
    store.applyPosition({
      driver_id: 1,
      lat: 47.2,
      lon: 51.8,
      heading: null,
      speed: null,
      recorded_at: '2026-12-03T10:00:05.000Z',
    });
    store.replaceDrivers([
      driver(1, '2026-12-03T10:00:01.000Z', 47.15),
      driver(2, '2026-12-03T10:00:02.000Z', 47.3),
    ]);
    expect(store.drivers.get(1)).to.include({
      current_lat: 47.2,
      last_location_update: '2026-12-03T10:00:05.000Z',
    });
    expect(store.drivers.get(2)).to.include({ current_lat: 47.3 });
  });
});
