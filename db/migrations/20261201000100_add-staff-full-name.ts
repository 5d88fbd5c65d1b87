import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Staff are known by name in the console and the audit trail, not only by phone.
  await knex.schema.alterTable('users', (t) => {
    t.string('full_name', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('full_name');
  });
}
