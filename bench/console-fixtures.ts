/** Bench data for the console: regions, 1,000 online drivers around Atyrau, 500 open orders. */
import type { AppDeps } from '../lib/deps.js';

const centre = { lat: 47.1067, lon: 51.9167 };

/** A deterministic spread (no Math.random): the same city every run. */
const spread = (i: number, scale: number) => ({
  lat: centre.lat + Math.sin(i * 12.9898) * scale,
  lon: centre.lon + Math.cos(i * 78.233) * scale * 1.5,
});

export interface ConsoleBenchData {
  driverUserIds: { driverId: number; userId: number }[];
  queueOrders: number;
}

export async function seedConsoleBench(
  deps: AppDeps,
  counts: { drivers: number; orders: number },
): Promise<ConsoleBenchData> {
  const knex = deps.db.knex;
  const regions = ['atyrau_center', 'atyrau_north', 'atyrau_south'].map((id, i) => ({
    id,
    title: `Atyrau ${['centre', 'north', 'south'][i]}`,
    center_lat: centre.lat + (i - 1) * 0.04,
    center_lon: centre.lon,
    service_radius_meters: 6000,
    polygon_coordinates: JSON.stringify([
      [centre.lat + (i - 1) * 0.04 - 0.02, centre.lon - 0.08],
      [centre.lat + (i - 1) * 0.04 - 0.02, centre.lon + 0.08],
      [centre.lat + (i - 1) * 0.04 + 0.02, centre.lon + 0.08],
      [centre.lat + (i - 1) * 0.04 + 0.02, centre.lon - 0.08],
    ]),
  }));
  await knex('regions').insert(regions);
  const now = new Date();
  const users = await knex('users')
    .insert(
      Array.from({ length: counts.drivers }, (_, i) => {
        const phone = `+7705${String(3_000_000 + i)}`;
        return { phone, username: phone, role: 'driver', is_active: true };
      }),
    )
    .returning(['id']);
  const statuses = [
    'online_idle',
    'online_idle',
    'online_idle',
    'on_trip',
    'enroute_to_pickup',
    'offline',
  ];
  const drivers = await knex('drivers')
    .insert(
      users.map((user: { id: number }, i) => {
        const at = spread(i, 0.05);
        const status = statuses[i % statuses.length]!;
        return {
          user_id: user.id,
          name: `Driver ${String(i + 1).padStart(4, '0')}`,
          region_id: regions[i % 3]!.id,
          car_model: 'Hyundai Starex',
          plate_number: `${String(i).padStart(4, '0')}BN06`,
          capacity: 4,
          wheelchair_accessible: i % 5 === 0,
          is_online: status !== 'offline',
          status,
          current_lat: at.lat,
          current_lon: at.lon,
          last_location_update: new Date(now.getTime() - (i % 7 === 0 ? 600_000 : 5_000)),
        };
      }),
    )
    .returning(['id', 'user_id']);
  const passengerUsers = await knex('users')
    .insert(
      Array.from({ length: 100 }, (_, i) => {
        const phone = `+7707${String(3_000_000 + i)}`;
        return { phone, username: phone, role: 'passenger', is_active: true };
      }),
    )
    .returning(['id']);
  const passengers = await knex('passengers')
    .insert(
      passengerUsers.map((user: { id: number }, i) => ({
        user_id: user.id,
        full_name: `Passenger ${i + 1}`,
        region_id: regions[i % 3]!.id,
        disability_category: 'II группа',
        mobility_aid: i % 4 === 0 ? 'wheelchair' : 'none',
      })),
    )
    .returning(['id', 'user_id', 'region_id']);
  // Open orders: a fifth awaiting a dispatcher, most matching for long, some offered, some pre-booked.
  const orderStatuses = [
    'awaiting_dispatcher_decision',
    'matching',
    'matching',
    'offered',
    'active_queue',
  ];
  const longAgo = new Date(now.getTime() - 10 * 60_000);
  const orders = Array.from({ length: counts.orders }, (_, i) => {
    const passenger = passengers[i % passengers.length] as {
      id: number;
      user_id: number;
      region_id: string;
    };
    const at = spread(i + 5000, 0.04);
    const status = orderStatuses[i % orderStatuses.length]!;
    return {
      id: `order_bench${String(i).padStart(6, '0')}`,
      passenger_id: passenger.id,
      region_id: passenger.region_id,
      created_by_user_id: passenger.user_id,
      pickup_title: `Pickup ${i + 1}, Satpaev street`,
      dropoff_title: `Clinic ${i % 20}`,
      pickup_lat: at.lat,
      pickup_lon: at.lon,
      dropoff_lat: centre.lat,
      dropoff_lon: centre.lon,
      status,
      desired_pickup_time: status === 'active_queue' ? new Date(now.getTime() + 20 * 60_000) : null,
      created_at: longAgo,
      updated_at: longAgo,
    };
  });
  await knex.batchInsert('orders', orders, 250);
  return {
    driverUserIds: drivers.map((d: { id: number; user_id: number }) => ({
      driverId: d.id,
      userId: d.user_id,
    })),
    queueOrders: orders.length,
  };
}
