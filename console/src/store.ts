/**
 * What the console knows, kept in memory and fed by the API (snapshots) and realtime (changes).
 * Topics let each view re-render only for what it shows; driver positions go to their own
 * listeners so the map can move a marker without any view re-rendering.
 */
import type { DriverPositionPayload, OrderView, RegionView, StaffDriverView } from './types.js';

type Topic = 'orders' | 'drivers' | 'regions' | 'connection';
type Listener = () => void;

export class ConsoleStore {
  readonly orders = new Map<string, OrderView>();
  readonly drivers = new Map<number, StaffDriverView>();
  regions: RegionView[] = [];
  isLive = false;
  private readonly listeners = new Map<Topic, Set<Listener>>();
  private readonly positionListeners = new Set<(driver: StaffDriverView) => void>();
  /**
   * Snapshot bookkeeping. A snapshot is asked before, and answered after, any change pushed
   * meanwhile, so replacing the orders with it would drop that change (an order booked while
   * the read was in flight vanished from the queue). Each snapshot carries the mark taken when
   * it was asked; changes seen since then are laid over it, and a snapshot asked before the
   * last one applied is stale and dropped.
   */
  private changeCount = 0;
  private readonly changedAt = new Map<string, number>();
  private snapshotsInFlight = 0;
  private lastSnapshotMark = -1;

  on(topic: Topic, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onPosition(listener: (driver: StaffDriverView) => void): () => void {
    this.positionListeners.add(listener);
    return () => this.positionListeners.delete(listener);
  }

  emit(topic: Topic): void {
    for (const listener of this.listeners.get(topic) ?? []) listener();
  }

  /** Call before asking for an orders snapshot; hand the mark to `replaceOrders`. */
  beginOrdersSnapshot(): number {
    this.snapshotsInFlight += 1;
    // Its own step in the count, so snapshots are ordered even with no change between them.
    return ++this.changeCount;
  }

  /** Ends a snapshot begun with `beginOrdersSnapshot`, whether it was answered or not. */
  endOrdersSnapshot(): void {
    this.snapshotsInFlight -= 1;
    if (this.snapshotsInFlight === 0) this.changedAt.clear();
  }

  replaceOrders(orders: OrderView[], mark: number): void {
    if (mark <= this.lastSnapshotMark) return;
    this.lastSnapshotMark = mark;
    const held = new Map(this.orders);
    this.orders.clear();
    for (const order of orders) this.orders.set(order.id, order);
    for (const [id, seenAt] of this.changedAt) {
      const change = held.get(id);
      if (seenAt <= mark || !change) continue;
      const answered = this.orders.get(id);
      if (!answered || answered.version < change.version) this.orders.set(id, change);
    }
    this.emit('orders');
  }

  /** Drops an update older than what we hold (the realtime contract's rule). */
  upsertOrder(order: OrderView): void {
    const held = this.orders.get(order.id);
    if (held && held.version > order.version) return;
    this.orders.set(order.id, order);
    if (this.snapshotsInFlight > 0) this.changedAt.set(order.id, ++this.changeCount);
    this.emit('orders');
  }

  /** A position pushed while the list was read is newer than the list's: it is kept. */
  replaceDrivers(drivers: StaffDriverView[]): void {
    const held = new Map(this.drivers);
    this.drivers.clear();
    for (const driver of drivers) {
      const known = held.get(driver.id);
      const keepPosition =
        known?.last_location_update &&
        (!driver.last_location_update || known.last_location_update > driver.last_location_update);
      this.drivers.set(
        driver.id,
        keepPosition
          ? {
              ...driver,
              current_lat: known.current_lat,
              current_lon: known.current_lon,
              current_position: known.current_position,
              last_location_update: known.last_location_update,
            }
          : driver,
      );
    }
    this.emit('drivers');
  }

  applyPosition(position: DriverPositionPayload): void {
    const driver = this.drivers.get(position.driver_id);
    if (!driver) return;
    if (driver.last_location_update && driver.last_location_update > position.recorded_at) return;
    driver.current_lat = position.lat;
    driver.current_lon = position.lon;
    driver.current_position = { lat: position.lat, lon: position.lon };
    driver.last_location_update = position.recorded_at;
    for (const listener of this.positionListeners) listener(driver);
  }
}
