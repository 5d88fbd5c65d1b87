import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One live code per phone: a new request replaces the previous row.
  await knex.schema.createTable('otp_codes', (t) => {
    t.string('phone', 20).primary();
    t.string('code_hash', 128).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // A login session: every access and refresh token carries its id, so logout (or reuse of
  // a rotated refresh token) revokes all of them at once.
  await knex.schema.createTable('auth_sessions', (t) => {
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true }).nullable();
    t.string('revoked_reason', 40).nullable();
    t.index(['user_id']);
  });

  await knex.schema.createTable('refresh_tokens', (t) => {
    t.uuid('id').primary();
    t.uuid('session_id').notNullable().references('auth_sessions.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['session_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('refresh_tokens');
  await knex.schema.dropTable('auth_sessions');
  await knex.schema.dropTable('otp_codes');
}
