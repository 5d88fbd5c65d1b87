/** Regions: reads for the region endpoints and for locating a pickup. */
import type { Db } from '../database.js';
import { RegionModel } from '../models/models.js';

export type RegionRow = RegionModel;

/** Every active region, in id order. */
export async function listActiveRegions(db: Db): Promise<RegionRow[]> {
  return RegionModel.query(db).where('is_active', true).orderBy('id');
}
