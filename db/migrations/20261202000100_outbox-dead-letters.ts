import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A row the relay cannot publish is set aside here instead of blocking the rows behind it.
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.timestamp('dead_lettered_at', { useTz: true }).nullable();
  });
  await knex.raw('DROP INDEX IF EXISTS outbox_unpublished');
  await knex.raw(`CREATE INDEX outbox_owed ON outbox_messages (id)
    WHERE published_at IS NULL AND dead_lettered_at IS NULL`);
  await knex.raw(`CREATE INDEX outbox_dead_lettered ON outbox_messages (id)
    WHERE dead_lettered_at IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS outbox_dead_lettered');
  await knex.raw('DROP INDEX IF EXISTS outbox_owed');
  await knex.raw(
    `CREATE INDEX outbox_unpublished ON outbox_messages (id) WHERE published_at IS NULL`,
  );
  await knex.schema.alterTable('outbox_messages', (t) => {
    t.dropColumn('dead_lettered_at');
  });
}
