import type { Knex } from 'knex';

/** Who changed what in the back office, and when. Rows are only ever appended. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    // Null for changes made outside a request (seed, command line).
    t.integer('actor_user_id').nullable().references('users.id');
    t.string('action', 40).notNullable();
    t.string('entity_type', 40).notNullable();
    t.string('entity_id', 64).notNullable();
    t.jsonb('changes').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['entity_type', 'entity_id', 'id']);
    t.index(['actor_user_id', 'id']);
  });
  await knex.raw(`ALTER TABLE audit_log
    ADD CONSTRAINT audit_log_action_valid CHECK (action IN ('create', 'update', 'deactivate')),
    ADD CONSTRAINT audit_log_entity_type_valid CHECK (entity_type IN ('region', 'passenger', 'driver', 'user'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
