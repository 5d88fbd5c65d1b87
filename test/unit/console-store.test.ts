import { expect } from 'chai';
import { ConsoleStore } from '../../console/src/store.js';
import type { OrderView } from '../../console/src/types.js';

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
