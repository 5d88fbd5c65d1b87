/** Regions: reads for the region endpoints, locating a pickup and a passenger registering. */
import type { Db } from '../database.js';
import { RegionModel } from '../models/models.js';

export type RegionRow = RegionModel;

/** Every active region, in id order. */
export async function listActiveRegions(db: Db): Promise<RegionRow[]> {
  return RegionModel.query(db).where('is_active', true).orderBy('id');
}

export interface RegionWrite {
  title?: string;
  center_lat?: number;
  center_lon?: number;
  /** Validated `[lat, lon]` pairs. */
  polygon_coordinates?: number[][] | null;
  service_radius_meters?: number | null;
  is_active?: boolean;
}

/** An active region by id (a passenger registering picks one). */
export async function findActiveRegionById(db: Db, id: string): Promise<RegionRow | undefined> {
  return RegionModel.query(db).findOne({ id, is_active: true });
}

/** A region by id, active or not; the caller decides who may see a deactivated one. */
export async function findRegionById(db: Db, id: string): Promise<RegionRow | undefined> {
  return RegionModel.query(db).findById(id);
}

export async function pageRegions(
  db: Db,
  filters: { includeInactive: boolean },
  window: { limit: number; offset: number },
): Promise<{ count: number; rows: RegionRow[] }> {
  const base = RegionModel.query(db).modify((q) => {
    if (!filters.includeInactive) q.where('is_active', true);
  });
  const count = await base.clone().resultSize();
  const rows = await base.clone().orderBy('id').limit(window.limit).offset(window.offset);
  return { count, rows };
}

// jsonb columns take the polygon as JSON text; an array would be sent as a PostgreSQL array.
const toRegionColumns = (write: RegionWrite) => ({
  ...write,
  ...(write.polygon_coordinates !== undefined
    ? {
        polygon_coordinates:
          write.polygon_coordinates === null ? null : JSON.stringify(write.polygon_coordinates),
      }
    : {}),
});

export async function insertRegion(
  db: Db,
  region: RegionWrite & { id: string; title: string; center_lat: number; center_lon: number },
): Promise<RegionRow> {
  const [row] = (await db('regions').insert(toRegionColumns(region)).returning('*')) as RegionRow[];
  return row!;
}

export async function updateRegionById(
  db: Db,
  id: string,
  patch: RegionWrite,
): Promise<RegionRow | undefined> {
  const [row] = (await db('regions')
    .where('id', id)
    .update({ ...toRegionColumns(patch), updated_at: db.fn.now() })
    .returning('*')) as RegionRow[];
  return row;
}
