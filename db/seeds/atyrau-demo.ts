/**
 * The demo data set for Atyrau: eight city areas as regions, 30 drivers, 50 passengers and
 * the fixed test accounts. Pure and deterministic: a seeded PRNG makes every run produce the
 * same people with the same attributes and positions.
 *
 * The areas are real parts of Atyrau; their polygons are simplified boxes that tile the city
 * between about 47.06–47.16 N and 51.85–51.95 E (the Ural runs near 51.89 E: Nursaya,
 * Saraishyk and Balykshy on the left bank, the rest on the right). They are good enough to
 * place pickups, not survey boundaries.
 */

export interface SeedRegion {
  id: string;
  title: string;
  /** South-west and north-east corners of the box. */
  south: number;
  west: number;
  north: number;
  east: number;
  service_radius_meters: number;
}

export const seedRegions: SeedRegion[] = [
  {
    id: 'atyrau_center',
    title: 'Центр',
    south: 47.095,
    west: 51.89,
    north: 47.12,
    east: 51.925,
    service_radius_meters: 2500,
  },
  {
    id: 'avangard',
    title: 'Авангард',
    south: 47.12,
    west: 51.89,
    north: 47.145,
    east: 51.925,
    service_radius_meters: 2000,
  },
  {
    id: 'zhilgorodok',
    title: 'Жилгородок',
    south: 47.06,
    west: 51.89,
    north: 47.095,
    east: 51.925,
    service_radius_meters: 2500,
  },
  {
    id: 'geolog',
    title: 'Геолог',
    south: 47.095,
    west: 51.925,
    north: 47.125,
    east: 51.95,
    service_radius_meters: 2000,
  },
  {
    id: 'privokzalny',
    title: 'Привокзальный',
    south: 47.125,
    west: 51.925,
    north: 47.16,
    east: 51.95,
    service_radius_meters: 2500,
  },
  {
    id: 'nursaya',
    title: 'Нурсая',
    south: 47.085,
    west: 51.85,
    north: 47.115,
    east: 51.89,
    service_radius_meters: 2500,
  },
  {
    id: 'saraishyk',
    title: 'Сарайшык',
    south: 47.115,
    west: 51.85,
    north: 47.145,
    east: 51.89,
    service_radius_meters: 2500,
  },
  {
    id: 'balykshy',
    title: 'Балыкшы',
    south: 47.06,
    west: 51.85,
    north: 47.085,
    east: 51.89,
    service_radius_meters: 2500,
  },
];

export const regionCenter = (r: SeedRegion) => ({
  lat: round6((r.south + r.north) / 2),
  lon: round6((r.west + r.east) / 2),
});

/** `[[lat, lon], …]`, counter-clockwise from the south-west corner. */
export const regionPolygon = (r: SeedRegion): [number, number][] => [
  [r.south, r.west],
  [r.south, r.east],
  [r.north, r.east],
  [r.north, r.west],
];

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** mulberry32: a tiny, well-known 32-bit PRNG; the same seed gives the same sequence. */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

const firstNames = [
  'Айдар',
  'Ерлан',
  'Нурлан',
  'Асель',
  'Гульнара',
  'Бауыржан',
  'Дамир',
  'Жанна',
  'Марат',
  'Алия',
  'Серик',
  'Динара',
  'Арман',
  'Сауле',
  'Тимур',
  'Айгерим',
  'Руслан',
  'Ольга',
  'Сергей',
  'Мадина',
];
const lastNames = [
  'Ахметов',
  'Каримов',
  'Сапаров',
  'Жумабаев',
  'Нургалиев',
  'Исмаилов',
  'Оспанов',
  'Тулегенов',
  'Иванов',
  'Бекмухамбетов',
  'Кенжебаев',
  'Абдрахманов',
];
const accessibleCars = [
  'Ford Transit',
  'Mercedes-Benz Sprinter',
  'Hyundai Staria',
  'Volkswagen Crafter',
];
const regularCars = [
  'Toyota Camry',
  'Hyundai Sonata',
  'Chevrolet Cobalt',
  'Kia K5',
  'Lada Largus',
  'Hyundai Accent',
];
const plateLetters = 'ABCDEHKMOPTX';

export interface SeedDriver {
  phone: string;
  name: string;
  region_id: string;
  car_model: string;
  plate_number: string;
  capacity: number;
  wheelchair_accessible: boolean;
  /** A position inside the region when the driver is online, else null. */
  position: { lat: number; lon: number } | null;
}

export interface SeedPassenger {
  phone: string;
  full_name: string;
  region_id: string;
  disability_category: string;
  allowed_companion: boolean;
  mobility_aid: string;
}

export interface SeedStaff {
  phone: string;
  role: 'dispatcher' | 'admin';
  full_name: string;
}

/** The accounts the apps' testers log in with (their OTP codes are in OTP_TEST_NUMBERS). */
export const fixedAccounts = {
  passengerPhone: '+77777777777',
  driverPhone: '+79001001010',
  staff: [
    { phone: '+77000000001', role: 'dispatcher', full_name: 'Айгуль Демо (диспетчер)' },
    { phone: '+77000000000', role: 'admin', full_name: 'Ержан Демо (администратор)' },
  ] as SeedStaff[],
};

/** The demo accounts' fixed codes, in OTP_TEST_NUMBERS form (what .env.example lists). */
export const demoTestNumbers =
  '+77777777777:111111,+79001001010:222222,+77000000001:333333,+77000000000:444444';

const pointIn = (random: () => number, r: SeedRegion) => ({
  lat: round6(r.south + (r.north - r.south) * (0.1 + 0.8 * random())),
  lon: round6(r.west + (r.east - r.west) * (0.1 + 0.8 * random())),
});

/**
 * The passenger profile values the demo draws from. They are lib/passengers' rule, passed in
 * by the caller (lib/seed/seed-demo.ts) because db/ imports nothing from lib/ but types.
 */
export interface PassengerVocabulary {
  disabilityCategories: readonly string[];
  mobilityAids: readonly string[];
}

export function buildDemoPeople(
  { disabilityCategories, mobilityAids }: PassengerVocabulary,
  seed = 20261126,
): {
  drivers: SeedDriver[];
  passengers: SeedPassenger[];
} {
  const random = createPrng(seed);
  const center = seedRegions[0]!;
  const drivers: SeedDriver[] = [
    {
      phone: fixedAccounts.driverPhone,
      name: 'Тестовый Водитель',
      region_id: center.id,
      car_model: 'Hyundai Staria',
      plate_number: '001TST06',
      capacity: 6,
      wheelchair_accessible: true,
      position: regionCenter(center),
    },
  ];
  for (let i = 1; i < 30; i += 1) {
    // Drivers come in pairs per area, one online and one offline, so every area has both.
    const region = seedRegions[Math.floor(i / 2) % seedRegions.length]!;
    // Every third driver (the test driver included) has a wheelchair-accessible van.
    const accessible = i % 3 === 0;
    const letters = [0, 1, 2].map(() => pick(random, [...plateLetters])).join('');
    drivers.push({
      phone: `+7705100${String(i).padStart(4, '0')}`,
      name: `${pick(random, firstNames)} ${pick(random, lastNames)}`,
      region_id: region.id,
      car_model: pick(random, accessible ? accessibleCars : regularCars),
      plate_number: `${String(100 + i * 7).padStart(3, '0')}${letters}06`,
      capacity: accessible ? 5 + Math.floor(random() * 2) : 3 + Math.floor(random() * 2),
      wheelchair_accessible: accessible,
      // Half of the fleet is online (the test driver and every even one).
      position: i % 2 === 0 ? pointIn(random, region) : null,
    });
  }

  const passengers: SeedPassenger[] = [
    {
      phone: fixedAccounts.passengerPhone,
      full_name: 'Тестовый Пассажир',
      region_id: center.id,
      disability_category: 'II группа',
      allowed_companion: true,
      mobility_aid: 'folding_wheelchair',
    },
  ];
  for (let i = 1; i < 50; i += 1) {
    passengers.push({
      phone: `+7707200${String(i).padStart(4, '0')}`,
      full_name: `${pick(random, firstNames)} ${pick(random, lastNames)}`,
      region_id: pick(random, seedRegions).id,
      disability_category: disabilityCategories[i % disabilityCategories.length]!,
      allowed_companion: random() < 0.6,
      mobility_aid: mobilityAids[Math.floor(i / 4) % mobilityAids.length]!,
    });
  }
  return { drivers, passengers };
}
