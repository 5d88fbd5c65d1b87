import type { Knex } from 'knex';
import {
  down as dropSupplyChanges,
  up as createSupplyChanges,
} from './20261202000300_notify-supply-changes.js';
import {
  down as dropDriverViewChanges,
  up as createDriverViewChanges,
} from './20261202000700_notify-driver-view-changes.js';

/**
 * One announcement of driver changes instead of two (`supply_changes` for the workers' driver
 * supply, `driver_views` for the web processes' driver views): every change is announced at
 * commit on `driver_changes` by one trigger function, and each process LISTENs on one
 * connection (lib/drivers/driver-changes.ts). Payloads (db/repositories/driver-changes.ts):
 *  - `d:<driver id>`: a driver's candidate facts (name, region, vehicle, capacity,
 *    accessibility, active, online, status) changed, or the driver was added or deleted;
 *  - `v:<driver id>`: only another column of the driver's view changed (not the position the
 *    writer flushes nor updated_at, which moves with it: the writer's batches announce
 *    nothing), or the driver's `users` row;
 *  - `o:<order id>`: what counts as the trip of an order with (or that had) a driver changed
 *    (driver, status, assigned_at);
 *  - `r:<region id>`: a region row changed or was deleted;
 *  - `*`: drivers, users, regions or orders were truncated (tests reset so; ids start again).
 * The workers also send `b:<token>` themselves (the supply's barrier, in the order load).
 */
const positionColumns = `'{current_lat,current_lon,heading,speed,accuracy,last_location_update,updated_at}'::text[]`;
/** The driver's candidate facts: the columns lib/dispatch/supply-facts.ts holds. */
const factColumns = (row: 'OLD' | 'NEW') =>
  [
    'name',
    'region_id',
    'car_model',
    'capacity',
    'wheelchair_accessible',
    'is_active',
    'is_online',
    'status',
  ]
    .map((column) => `${row}.${column}`)
    .join(', ');
const factsChanged = `(${factColumns('OLD')}) IS DISTINCT FROM (${factColumns('NEW')})`;
const viewChanged = `(to_jsonb(OLD) - ${positionColumns}) IS DISTINCT FROM (to_jsonb(NEW) - ${positionColumns})`;

/** [trigger, table, events, WHEN condition or null, payload kind] */
const rowTriggers: [string, string, string, string | null, string][] = [
  ['drivers_driver_changes_insert_delete', 'drivers', 'INSERT OR DELETE', null, 'd'],
  ['drivers_driver_changes_facts', 'drivers', 'UPDATE', factsChanged, 'd'],
  [
    'drivers_driver_changes_view',
    'drivers',
    'UPDATE',
    `NOT ${factsChanged} AND ${viewChanged}`,
    'v',
  ],
  ['users_driver_changes_update', 'users', 'UPDATE', 'OLD IS DISTINCT FROM NEW', 'v'],
  ['users_driver_changes_delete', 'users', 'DELETE', null, 'v'],
  ['regions_driver_changes_update', 'regions', 'UPDATE', 'OLD IS DISTINCT FROM NEW', 'r'],
  ['regions_driver_changes_delete', 'regions', 'DELETE', null, 'r'],
  ['orders_driver_changes_insert', 'orders', 'INSERT', 'NEW.driver_id IS NOT NULL', 'o'],
  ['orders_driver_changes_delete', 'orders', 'DELETE', 'OLD.driver_id IS NOT NULL', 'o'],
  [
    'orders_driver_changes_update',
    'orders',
    'UPDATE',
    // An order that has no driver before or after counts as nobody's trip either way.
    `(OLD.driver_id IS NOT NULL OR NEW.driver_id IS NOT NULL) AND
     (OLD.driver_id, OLD.status, OLD.assigned_at) IS DISTINCT FROM (NEW.driver_id, NEW.status, NEW.assigned_at)`,
    'o',
  ],
];
const truncatedTables = ['drivers', 'users', 'regions', 'orders'];

export async function up(knex: Knex): Promise<void> {
  await dropSupplyChanges(knex);
  await dropDriverViewChanges(knex);
  // A user's row names no driver: announce the drivers whose login it is (at most one).
  await knex.raw(`CREATE FUNCTION driver_changes_notify() RETURNS trigger AS $$
    BEGIN
      IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('driver_changes', '*');
      ELSIF TG_TABLE_NAME = 'users' THEN
        PERFORM pg_notify('driver_changes', 'v:' || d.id) FROM drivers d WHERE d.user_id = OLD.id;
      ELSE
        PERFORM pg_notify('driver_changes',
          TG_ARGV[0] || ':' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql`);
  for (const [trigger, table, events, when, kind] of rowTriggers) {
    await knex.raw(`CREATE TRIGGER ${trigger} AFTER ${events} ON ${table} FOR EACH ROW
      ${when === null ? '' : `WHEN (${when})`} EXECUTE FUNCTION driver_changes_notify('${kind}')`);
  }
  for (const table of truncatedTables) {
    await knex.raw(`CREATE TRIGGER ${table}_driver_changes_truncate AFTER TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION driver_changes_notify()`);
  }
}

/** Back to the two channels, exactly as their own migrations made them. */
export async function down(knex: Knex): Promise<void> {
  for (const [trigger, table] of rowTriggers) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${trigger} ON ${table}`);
  }
  for (const table of truncatedTables) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_driver_changes_truncate ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS driver_changes_notify()');
  await createSupplyChanges(knex);
  await createDriverViewChanges(knex);
}
