import type { Knex } from 'knex';

/**
 * Every change to what a driver's view shows is announced at commit on `driver_views`
 * (payload: the driver id, or `*` for "every driver"), whichever code made it — a use case,
 * a fixture, an import, hand-written SQL — so a process that keeps drivers' views in memory
 * (lib/drivers/driver-view-cache.ts) can drop exactly the ones that changed.
 *
 * - drivers: any column except the position the writer flushes (current_lat/lon, heading,
 *   speed, accuracy, last_location_update) and updated_at, which moves with it: the report
 *   path answers those from Redis, and the writer's batches must not empty the cache;
 * - users: the driver whose login it is (the view's `user`);
 * - regions: every driver (a region's drivers can be thousands; its changes are rare);
 * - TRUNCATE of any of the three: every driver (tests reset this way, ids start again).
 */
const positionColumns = `'{current_lat,current_lon,heading,speed,accuracy,last_location_update,updated_at}'::text[]`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION driver_views_notify() RETURNS trigger AS $$
    BEGIN
      IF TG_LEVEL = 'STATEMENT' OR TG_TABLE_NAME = 'regions' THEN
        PERFORM pg_notify('driver_views', '*');
      ELSIF TG_TABLE_NAME = 'drivers' THEN
        PERFORM pg_notify('driver_views', OLD.id::text);
      ELSE
        PERFORM pg_notify('driver_views', d.id::text) FROM drivers d WHERE d.user_id = OLD.id;
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  await knex.raw(`CREATE TRIGGER drivers_notify_view_update AFTER UPDATE ON drivers
    FOR EACH ROW WHEN ((to_jsonb(OLD) - ${positionColumns}) IS DISTINCT FROM (to_jsonb(NEW) - ${positionColumns}))
    EXECUTE FUNCTION driver_views_notify()`);
  for (const table of ['drivers', 'users', 'regions']) {
    if (table !== 'drivers') {
      await knex.raw(`CREATE TRIGGER ${table}_notify_driver_view_update AFTER UPDATE ON ${table}
        FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW) EXECUTE FUNCTION driver_views_notify()`);
    }
    await knex.raw(`CREATE TRIGGER ${table}_notify_driver_view_delete AFTER DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION driver_views_notify()`);
    await knex.raw(`CREATE TRIGGER ${table}_notify_driver_view_truncate AFTER TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION driver_views_notify()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS drivers_notify_view_update ON drivers');
  for (const table of ['drivers', 'users', 'regions']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_driver_view_update ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_driver_view_delete ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_driver_view_truncate ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS driver_views_notify()');
}
