import type { Knex } from 'knex';

const statuses = [
  'draft',
  'submitted',
  'awaiting_dispatcher_decision',
  'rejected',
  'active_queue',
  'matching',
  'offered',
  'assigned',
  'driver_en_route',
  'arrived_waiting',
  'no_show',
  'ride_ongoing',
  'completed',
  'cancelled',
  'incident',
];
const statusList = statuses.map((s) => `'${s}'`).join(', ');
/** Statuses in which an order holds its driver. */
const holdingStatuses = `'assigned', 'driver_en_route', 'arrived_waiting', 'ride_ongoing', 'incident'`;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    t.string('id', 40).primary();
    t.integer('version').notNullable().defaultTo(1);
    t.integer('passenger_id').notNullable().references('passengers.id');
    t.integer('driver_id').nullable().references('drivers.id');
    t.string('region_id', 64).notNullable().references('regions.id');
    t.integer('created_by_user_id').notNullable().references('users.id');
    t.string('idempotency_key', 200).nullable();
    t.string('pickup_title', 300).notNullable();
    t.string('dropoff_title', 300).notNullable();
    t.double('pickup_lat').notNullable();
    t.double('pickup_lon').notNullable();
    t.double('dropoff_lat').notNullable();
    t.double('dropoff_lon').notNullable();
    t.string('pickup_object_name', 300).nullable();
    t.string('dropoff_object_name', 300).nullable();
    t.timestamp('desired_pickup_time', { useTz: true }).nullable();
    t.boolean('has_companion').notNullable().defaultTo(false);
    t.integer('seats_needed').notNullable().defaultTo(1);
    t.boolean('needs_wheelchair_access').notNullable().defaultTo(false);
    t.text('note').nullable();
    t.string('status', 40).notNullable();
    t.timestamps(true, true);
    t.timestamp('assigned_at', { useTz: true }).nullable();
    t.timestamp('arrived_at', { useTz: true }).nullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.timestamp('cancelled_at', { useTz: true }).nullable();
    t.text('assignment_reason').nullable();
    t.text('rejection_reason').nullable();
    t.text('cancel_reason').nullable();
    t.double('distance_km').nullable();
    t.boolean('video_recording').notNullable().defaultTo(false);
    t.boolean('upload_started').notNullable().defaultTo(false);
    t.index(['passenger_id', 'created_at']);
    t.index(['driver_id', 'created_at']);
    t.index(['status']);
    t.index(['region_id', 'created_at']);
    t.index(['created_at']);
  });
  await knex.raw(`ALTER TABLE orders
    ADD CONSTRAINT orders_status_valid CHECK (status IN (${statusList})),
    ADD CONSTRAINT orders_seats_valid CHECK (seats_needed = CASE WHEN has_companion THEN 2 ELSE 1 END),
    ADD CONSTRAINT orders_version_positive CHECK (version >= 1),
    ADD CONSTRAINT orders_coordinates_range CHECK (
      pickup_lat BETWEEN -90 AND 90 AND pickup_lon BETWEEN -180 AND 180 AND
      dropoff_lat BETWEEN -90 AND 90 AND dropoff_lon BETWEEN -180 AND 180),
    ADD CONSTRAINT orders_driver_when_held CHECK (status NOT IN (${holdingStatuses}) OR driver_id IS NOT NULL)`);
  // A driver holds at most one active order, whatever races happen above the database.
  await knex.raw(`CREATE UNIQUE INDEX orders_one_active_per_driver ON orders (driver_id)
    WHERE status IN (${holdingStatuses})`);
  await knex.raw(`CREATE UNIQUE INDEX orders_idempotency ON orders (created_by_user_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL`);

  await knex.schema.createTable('order_events', (t) => {
    t.bigIncrements('id').primary();
    t.string('order_id', 40).notNullable().references('orders.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.string('from_status', 40).nullable();
    t.string('to_status', 40).notNullable();
    t.integer('actor_user_id').nullable().references('users.id');
    t.string('actor_role', 20).notNullable();
    t.text('reason').nullable();
    t.jsonb('data').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id', 'id']);
  });
  await knex.raw(`ALTER TABLE order_events
    ADD CONSTRAINT order_events_actor_role_valid CHECK (actor_role IN ('passenger', 'driver', 'dispatcher', 'admin', 'system')),
    ADD CONSTRAINT order_events_to_valid CHECK (to_status IN (${statusList})),
    ADD CONSTRAINT order_events_one_per_version UNIQUE (order_id, version)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('order_events');
  await knex.schema.dropTable('orders');
}
