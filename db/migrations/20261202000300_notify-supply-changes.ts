import type { Knex } from 'knex';

/**
 * The in-memory driver supply of each dispatch worker (lib/dispatch/supply-follower.ts) is
 * kept exact from these announcements on `supply_changes`, sent at commit, in commit order:
 *  - `d:<driver id>`: a driver's candidate facts changed (name, region, vehicle, capacity,
 *    accessibility, active, online, status), or the driver was added or deleted;
 *  - `o:<order id>`: what counts as the order's trip changed (driver, status, assigned_at);
 *  - `reload`: drivers or orders were truncated.
 * Position columns are not announced: a search takes positions and their freshness from the
 * position index. The workers also send `b:<token>` themselves (a barrier, in the order load).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION supply_driver_changed() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_notify('supply_changes', 'd:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await knex.raw(`CREATE FUNCTION supply_order_changed() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_notify('supply_changes', 'o:' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await knex.raw(`CREATE FUNCTION supply_truncated() RETURNS trigger AS $$
    BEGIN PERFORM pg_notify('supply_changes', 'reload'); RETURN NULL; END $$ LANGUAGE plpgsql`);

  await knex.raw(`CREATE TRIGGER drivers_supply_insert_delete AFTER INSERT OR DELETE ON drivers
    FOR EACH ROW EXECUTE FUNCTION supply_driver_changed()`);
  await knex.raw(`CREATE TRIGGER drivers_supply_update AFTER UPDATE ON drivers
    FOR EACH ROW WHEN (
      (OLD.name, OLD.region_id, OLD.car_model, OLD.capacity, OLD.wheelchair_accessible,
       OLD.is_active, OLD.is_online, OLD.status)
      IS DISTINCT FROM
      (NEW.name, NEW.region_id, NEW.car_model, NEW.capacity, NEW.wheelchair_accessible,
       NEW.is_active, NEW.is_online, NEW.status))
    EXECUTE FUNCTION supply_driver_changed()`);
  await knex.raw(`CREATE TRIGGER drivers_supply_truncate AFTER TRUNCATE ON drivers
    FOR EACH STATEMENT EXECUTE FUNCTION supply_truncated()`);

  await knex.raw(`CREATE TRIGGER orders_supply_insert AFTER INSERT ON orders
    FOR EACH ROW WHEN (NEW.driver_id IS NOT NULL) EXECUTE FUNCTION supply_order_changed()`);
  await knex.raw(`CREATE TRIGGER orders_supply_delete AFTER DELETE ON orders
    FOR EACH ROW WHEN (OLD.driver_id IS NOT NULL) EXECUTE FUNCTION supply_order_changed()`);
  await knex.raw(`CREATE TRIGGER orders_supply_update AFTER UPDATE ON orders
    FOR EACH ROW WHEN (
      (OLD.driver_id, OLD.status, OLD.assigned_at) IS DISTINCT FROM
      (NEW.driver_id, NEW.status, NEW.assigned_at))
    EXECUTE FUNCTION supply_order_changed()`);
  await knex.raw(`CREATE TRIGGER orders_supply_truncate AFTER TRUNCATE ON orders
    FOR EACH STATEMENT EXECUTE FUNCTION supply_truncated()`);
}

export async function down(knex: Knex): Promise<void> {
  for (const [trigger, table] of [
    ['drivers_supply_insert_delete', 'drivers'],
    ['drivers_supply_update', 'drivers'],
    ['drivers_supply_truncate', 'drivers'],
    ['orders_supply_insert', 'orders'],
    ['orders_supply_delete', 'orders'],
    ['orders_supply_update', 'orders'],
    ['orders_supply_truncate', 'orders'],
  ] as const) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS supply_driver_changed()');
  await knex.raw('DROP FUNCTION IF EXISTS supply_order_changed()');
  await knex.raw('DROP FUNCTION IF EXISTS supply_truncated()');
}
