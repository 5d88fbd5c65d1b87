/**
 * Writes the demo data set, upserting by natural keys (region id, user phone, one profile per
 * user) and touching a row only when a seeded field differs, so a second run writes nothing
 * but the online drivers' live positions (which must be fresh to be dispatchable).
 */
import type { Knex } from 'knex';
import {
  buildDemoPeople,
  type PassengerVocabulary,
  fixedAccounts,
  regionCenter,
  regionPolygon,
  seedRegions,
} from './atyrau-demo.js';

export interface TableTally {
  created: number;
  updated: number;
  unchanged: number;
}

export interface DemoSeedResult {
  regions: TableTally;
  users: TableTally;
  drivers: TableTally;
  passengers: TableTally;
  onlineDrivers: { driverId: number; lat: number; lon: number }[];
}

const emptyTally = (): TableTally => ({ created: 0, updated: 0, unchanged: 0 });

/** A jsonb column's value: compared with the parsed column, written as JSON text. */
class JsonValue {
  constructor(readonly value: unknown) {}
}

const comparable = (value: unknown) =>
  JSON.stringify(value instanceof JsonValue ? value.value : value);
const writable = (fields: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      value instanceof JsonValue ? JSON.stringify(value.value) : value,
    ]),
  );

/** Inserts the row, or updates the fields that differ; returns the row's id. */
async function upsertBy(
  trx: Knex.Transaction,
  table: string,
  key: Record<string, unknown>,
  fields: Record<string, unknown>,
  tally: TableTally,
): Promise<number | string> {
  const existing = (await trx(table).where(key).first()) as Record<string, unknown> | undefined;
  if (!existing) {
    const [row] = await trx(table)
      .insert({ ...key, ...writable(fields) })
      .returning<{ id: number | string }[]>('id');
    tally.created += 1;
    return row!.id;
  }
  const changed = Object.fromEntries(
    Object.entries(fields).filter(
      ([name, value]) => JSON.stringify(existing[name]) !== comparable(value),
    ),
  );
  if (Object.keys(changed).length === 0) {
    tally.unchanged += 1;
  } else {
    await trx(table)
      .where(key)
      .update({ ...writable(changed), updated_at: trx.fn.now() });
    tally.updated += 1;
  }
  return existing.id as number | string;
}

async function upsertUser(
  trx: Knex.Transaction,
  phone: string,
  role: string,
  tally: TableTally,
  extra: { full_name?: string } = {},
): Promise<number> {
  const id = await upsertBy(
    trx,
    'users',
    { phone },
    { username: phone, role, is_active: true, ...extra },
    tally,
  );
  return Number(id);
}

export async function writeDemoSeed(
  trx: Knex.Transaction,
  now: Date,
  vocabulary: PassengerVocabulary,
): Promise<DemoSeedResult> {
  const result: DemoSeedResult = {
    regions: emptyTally(),
    users: emptyTally(),
    drivers: emptyTally(),
    passengers: emptyTally(),
    onlineDrivers: [],
  };

  for (const region of seedRegions) {
    const center = regionCenter(region);
    await upsertBy(
      trx,
      'regions',
      { id: region.id },
      {
        title: region.title,
        center_lat: center.lat,
        center_lon: center.lon,
        polygon_coordinates: new JsonValue(regionPolygon(region)),
        service_radius_meters: region.service_radius_meters,
        is_active: true,
      },
      result.regions,
    );
  }

  for (const staff of fixedAccounts.staff) {
    await upsertUser(trx, staff.phone, staff.role, result.users, { full_name: staff.full_name });
  }

  const { drivers, passengers } = buildDemoPeople(vocabulary);
  for (const driver of drivers) {
    const userId = await upsertUser(trx, driver.phone, 'driver', result.users);
    const driverId = Number(
      await upsertBy(
        trx,
        'drivers',
        { user_id: userId },
        {
          name: driver.name,
          region_id: driver.region_id,
          car_model: driver.car_model,
          plate_number: driver.plate_number,
          capacity: driver.capacity,
          wheelchair_accessible: driver.wheelchair_accessible,
          is_active: true,
        },
        result.drivers,
      ),
    );
    if (driver.position) {
      // A driver busy with a demo trip keeps their status; a free one is online and idle.
      const moved = await trx('drivers')
        .where({ id: driverId })
        .whereIn('status', ['offline', 'online_idle', 'paused'])
        .update({
          is_online: true,
          status: trx.raw(`CASE WHEN status = 'paused' THEN 'paused' ELSE 'online_idle' END`),
          current_lat: driver.position.lat,
          current_lon: driver.position.lon,
          heading: null,
          speed: null,
          accuracy: null,
          last_location_update: now,
        });
      if (moved === 1) result.onlineDrivers.push({ driverId, ...driver.position });
    }
  }

  for (const passenger of passengers) {
    const userId = await upsertUser(trx, passenger.phone, 'passenger', result.users);
    const profile = {
      full_name: passenger.full_name,
      region_id: passenger.region_id,
      disability_category: passenger.disability_category,
      allowed_companion: passenger.allowed_companion,
      mobility_aid: passenger.mobility_aid,
      is_active: true,
    };
    await upsertBy(trx, 'passengers', { user_id: userId }, profile, result.passengers);
  }
  return result;
}
