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

  replaceOrders(orders: OrderView[]): void {
    this.orders.clear();
    for (const order of orders) this.orders.set(order.id, order);
    this.emit('orders');
  }

  /** Drops an update older than what we hold (the realtime contract's rule). */
  upsertOrder(order: OrderView): void {
    const held = this.orders.get(order.id);
    if (held && held.version > order.version) return;
    this.orders.set(order.id, order);
    this.emit('orders');
  }

  replaceDrivers(drivers: StaffDriverView[]): void {
    this.drivers.clear();
    for (const driver of drivers) this.drivers.set(driver.id, driver);
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
