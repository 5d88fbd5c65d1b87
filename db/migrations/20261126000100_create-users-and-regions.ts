import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.string('id', 64).primary();
    t.string('title', 200).notNullable();
    t.double('center_lat').notNullable();
    t.double('center_lon').notNullable();
    t.jsonb('polygon_coordinates').nullable();
    t.integer('service_radius_meters').nullable();
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE regions
    ADD CONSTRAINT regions_id_slug CHECK (id ~ '^[a-z0-9_]+$'),
    ADD CONSTRAINT regions_center_range CHECK (center_lat BETWEEN -90 AND 90 AND center_lon BETWEEN -180 AND 180),
    ADD CONSTRAINT regions_radius_positive CHECK (service_radius_meters IS NULL OR service_radius_meters > 0)`);

  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.string('phone', 20).notNullable().unique();
    t.string('username', 150).notNullable().unique();
    t.string('email', 254).nullable();
    t.string('role', 20).notNullable();
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE users
    ADD CONSTRAINT users_role_valid CHECK (role IN ('passenger', 'driver', 'dispatcher', 'admin')),
    ADD CONSTRAINT users_phone_e164 CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('regions');
}
