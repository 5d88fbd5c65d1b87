import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('passengers', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().unique().references('users.id');
    t.string('full_name', 200).notNullable();
    t.string('region_id', 64).notNullable().references('regions.id');
    t.string('disability_category', 32).notNullable();
    t.boolean('allowed_companion').notNullable().defaultTo(false);
    t.string('mobility_aid', 32).notNullable().defaultTo('none');
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
  });
  await knex.raw(`ALTER TABLE passengers
    ADD CONSTRAINT passengers_disability_valid CHECK (disability_category IN ('I группа', 'II группа', 'III группа', 'Ребенок-инвалид')),
    ADD CONSTRAINT passengers_mobility_aid_valid CHECK (mobility_aid IN ('none', 'cane_or_walker', 'folding_wheelchair', 'wheelchair'))`);

  await knex.schema.createTable('drivers', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().unique().references('users.id');
    t.string('name', 200).notNullable();
    t.string('region_id', 64).notNullable().references('regions.id');
    t.string('car_model', 100).notNullable();
    t.string('plate_number', 20).notNullable().unique();
    t.integer('capacity').notNullable().defaultTo(4);
    t.boolean('wheelchair_accessible').notNullable().defaultTo(false);
    t.boolean('is_online').notNullable().defaultTo(false);
    t.string('status', 32).notNullable().defaultTo('offline');
    t.double('current_lat').nullable();
    t.double('current_lon').nullable();
    t.double('heading').nullable();
    t.double('speed').nullable();
    t.double('accuracy').nullable();
    t.timestamp('last_location_update', { useTz: true }).nullable();
    t.decimal('rating', 3, 2).notNullable().defaultTo(5);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.timestamps(true, true);
    t.index(['region_id', 'status']);
  });
  await knex.raw(`ALTER TABLE drivers
    ADD CONSTRAINT drivers_status_valid CHECK (status IN ('offline', 'online_idle', 'offered', 'enroute_to_pickup', 'on_trip', 'paused')),
    ADD CONSTRAINT drivers_capacity_range CHECK (capacity BETWEEN 1 AND 20),
    ADD CONSTRAINT drivers_position_range CHECK (
      (current_lat IS NULL AND current_lon IS NULL) OR
      (current_lat BETWEEN -90 AND 90 AND current_lon BETWEEN -180 AND 180)),
    ADD CONSTRAINT drivers_offline_status CHECK (is_online OR status IN ('offline', 'enroute_to_pickup', 'on_trip')),
    ADD CONSTRAINT drivers_rating_range CHECK (rating BETWEEN 0 AND 5)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('drivers');
  await knex.schema.dropTable('passengers');
}
