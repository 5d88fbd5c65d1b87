import type { Knex } from 'knex';

/**
 * Every new version of an order is announced at commit on `order_changes` (payload: the
 * order id), so a caller waiting for an order's outcome (a dispatcher's "find a driver now")
 * is woken by the change instead of polling. Transactions that change an order already
 * notify the outbox relay, so the commit already takes PostgreSQL's notification lock.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION order_changes_notify() RETURNS trigger AS $$
    BEGIN PERFORM pg_notify('order_changes', NEW.id); RETURN NEW; END $$ LANGUAGE plpgsql`);
  await knex.raw(`CREATE TRIGGER orders_notify_changes AFTER UPDATE ON orders
    FOR EACH ROW WHEN (OLD.version IS DISTINCT FROM NEW.version)
    EXECUTE FUNCTION order_changes_notify()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS orders_notify_changes ON orders');
  await knex.raw('DROP FUNCTION IF EXISTS order_changes_notify()');
}
