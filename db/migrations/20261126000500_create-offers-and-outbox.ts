import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('offers', (t) => {
    t.increments('id').primary();
    t.string('order_id', 40).notNullable().references('orders.id').onDelete('CASCADE');
    t.integer('driver_id').notNullable().references('drivers.id');
    t.string('status', 20).notNullable().defaultTo('pending');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('responded_at', { useTz: true }).nullable();
    t.double('distance_m').nullable();
    t.double('score').nullable();
    t.integer('rank').nullable();
    t.text('reason').nullable();
    t.index(['order_id']);
    t.index(['driver_id', 'created_at']);
  });
  await knex.raw(`ALTER TABLE offers
    ADD CONSTRAINT offers_status_valid CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'cancelled'))`);
  // A driver holds at most one live offer, and an order has at most one live offer.
  await knex.raw(
    `CREATE UNIQUE INDEX offers_one_pending_per_driver ON offers (driver_id) WHERE status = 'pending'`,
  );
  await knex.raw(
    `CREATE UNIQUE INDEX offers_one_pending_per_order ON offers (order_id) WHERE status = 'pending'`,
  );

  // Drivers who must not be offered an order again (declined, missed, withdrew).
  await knex.schema.createTable('order_excluded_drivers', (t) => {
    t.string('order_id', 40).notNullable().references('orders.id').onDelete('CASCADE');
    t.integer('driver_id').notNullable().references('drivers.id');
    t.string('reason', 20).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['order_id', 'driver_id']);
  });
  await knex.raw(`ALTER TABLE order_excluded_drivers
    ADD CONSTRAINT order_excluded_reason_valid CHECK (reason IN ('declined', 'expired', 'withdrew'))`);

  // Transactional outbox: written in the same transaction as the change it announces; the
  // relay publishes each row to BullMQ, so nothing is lost when Redis is down at commit time.
  await knex.schema.createTable('outbox_messages', (t) => {
    t.bigIncrements('id').primary();
    t.string('topic', 60).notNullable();
    t.jsonb('payload').notNullable();
    t.string('job_id', 120).nullable();
    t.timestamp('available_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('published_at', { useTz: true }).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
  });
  await knex.raw(
    `CREATE INDEX outbox_unpublished ON outbox_messages (id) WHERE published_at IS NULL`,
  );
  // Wake the relay at commit instead of making it poll.
  await knex.raw(`CREATE FUNCTION outbox_notify() RETURNS trigger AS $$
    BEGIN PERFORM pg_notify('outbox_messages', NEW.id::text); RETURN NEW; END $$ LANGUAGE plpgsql`);
  await knex.raw(`CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
    FOR EACH ROW EXECUTE FUNCTION outbox_notify()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages');
  await knex.raw('DROP FUNCTION IF EXISTS outbox_notify()');
  await knex.schema.dropTable('outbox_messages');
  await knex.schema.dropTable('order_excluded_drivers');
  await knex.schema.dropTable('offers');
}
