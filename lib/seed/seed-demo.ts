/**
 * `npm run db:seed`: the Atyrau demo data in one transaction, then the online drivers into
 * the position index (after commit, so the index never points at rows that rolled back).
 * Safe to re-run: see db/seeds/write-demo-seed.ts.
 */
import { writeDemoSeed, type DemoSeedResult } from '../../db/seeds/write-demo-seed.js';
import type { AppDeps } from '../deps.js';
import { disabilityCategories, mobilityAids } from '../passengers/passenger.schemas.js';

export async function seedDemo(
  deps: Pick<AppDeps, 'db' | 'clock' | 'positionIndex'>,
): Promise<DemoSeedResult> {
  const now = deps.clock.now();
  const result = await deps.db.transaction((trx) =>
    writeDemoSeed(trx, now, { disabilityCategories, mobilityAids }),
  );
  for (const driver of result.onlineDrivers) {
    await deps.positionIndex.upsert({ ...driver, recordedAt: now });
  }
  return result;
}

export function describeSeedResult(result: DemoSeedResult): string {
  const line = (name: string, t: DemoSeedResult['regions']) =>
    `${name.padEnd(11)} ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged`;
  return [
    line('regions', result.regions),
    line('users', result.users),
    line('drivers', result.drivers),
    line('passengers', result.passengers),
    `online now  ${result.onlineDrivers.length} drivers with fresh positions in the index`,
  ].join('\n');
}
