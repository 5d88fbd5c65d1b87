import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Housekeeping deletes expired refresh tokens in small batches; without an index on the
  // expiry each batch would scan the whole table.
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.index(['expires_at'], 'refresh_tokens_expires_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refresh_tokens', (t) => {
    t.dropIndex(['expires_at'], 'refresh_tokens_expires_at');
  });
}
