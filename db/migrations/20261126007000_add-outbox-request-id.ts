import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The API request that wrote the row, carried into the job it becomes (for logs).
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.string('request_id', 64).nullable();
  });
  // Serves the time-to-assignment metric without scanning every order event.
  await knex.raw(`CREATE INDEX order_events_matching_assigned ON order_events (order_id, created_at)
    WHERE to_status IN ('matching', 'assigned')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS order_events_matching_assigned');
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.dropColumn('request_id');
  });
}
