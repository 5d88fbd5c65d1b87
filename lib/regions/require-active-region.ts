/** People may only be placed in a region that exists and is active. */
import type { Db } from '../../db/database.js';
import { findRegionById } from '../../db/repositories/region.repository.js';
import { AppError } from '../errors/app-error.js';

export async function requireActiveRegion(db: Db, regionId: string): Promise<void> {
  const region = await findRegionById(db, regionId);
  if (!region?.is_active) {
    throw new AppError('validation_failed', {
      fields: { region_id: ['No active region has this id'] },
    });
  }
}
