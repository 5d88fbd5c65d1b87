/**
 * Regions: public reads of active regions, admin writes with an audit row in the same
 * transaction. Deactivating keeps the row (orders and people still point at it) and only
 * drops it from public reads.
 */
import type { Database } from '../../db/database.js';
import {
  findRegionById,
  insertRegion,
  pageRegions,
  updateRegionById,
} from '../../db/repositories/region.repository.js';
import { isStaff, type Actor, type UserActor } from '../auth/actor.js';
import { recordAudit } from '../audit/audit-trail.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';
import type { CreateRegionInput, UpdateRegionInput } from './region.schemas.js';
import { regionIdParam } from './region.schemas.js';
import { toRegionView, type RegionView } from './region-view.js';

/** Staff see whether a region is active; the public only ever sees active ones. */
export type StaffRegionView = RegionView & { is_active: boolean };

const toStaffRegionView = (region: Parameters<typeof toRegionView>[0]): StaffRegionView => ({
  ...toRegionView(region),
  is_active: region.is_active,
});

export async function listRegions(
  db: Database,
  actor: UserActor | undefined,
  filters: { include_inactive?: boolean | undefined },
  page: PageRequest,
): Promise<{ count: number; results: RegionView[] }> {
  const includeInactive = filters.include_inactive === true;
  if (includeInactive && !(actor && isStaff(actor))) throw new AppError('forbidden');
  const { count, rows } = await pageRegions(db.knex, { includeInactive }, toPageWindow(page));
  return {
    count,
    results: rows.map((r) => (actor && isStaff(actor) ? toStaffRegionView(r) : toRegionView(r))),
  };
}

export async function getRegion(
  db: Database,
  actor: UserActor | undefined,
  id: string,
): Promise<RegionView> {
  const staff = actor !== undefined && isStaff(actor);
  const region = regionIdParam.test(id) ? await findRegionById(db.knex, id) : undefined;
  if (!region || (!region.is_active && !staff)) throw new AppError('not_found');
  return staff ? toStaffRegionView(region) : toRegionView(region);
}

export async function createRegion(
  db: Database,
  actor: Actor,
  input: CreateRegionInput,
): Promise<StaffRegionView> {
  return db.transaction(async (trx) => {
    if (await findRegionById(trx, input.id)) {
      throw new AppError('conflict', { fields: { id: ['A region with this id exists'] } });
    }
    const region = await insertRegion(trx, input);
    await recordAudit(trx, actor, 'create', 'region', region.id, { ...input });
    return toStaffRegionView(region);
  });
}

export async function updateRegion(
  db: Database,
  actor: Actor,
  id: string,
  input: UpdateRegionInput,
): Promise<StaffRegionView> {
  return db.transaction(async (trx) => {
    const existing = regionIdParam.test(id) ? await findRegionById(trx, id) : undefined;
    if (!existing) throw new AppError('not_found');
    const region = await updateRegionById(trx, id, input);
    if (!region) throw new AppError('not_found');
    await recordAudit(trx, actor, 'update', 'region', id, { ...input });
    return toStaffRegionView(region);
  });
}

export async function deactivateRegion(db: Database, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (trx) => {
    const existing = regionIdParam.test(id) ? await findRegionById(trx, id) : undefined;
    if (!existing) throw new AppError('not_found');
    if (!existing.is_active) return;
    await updateRegionById(trx, id, { is_active: false });
    await recordAudit(trx, actor, 'deactivate', 'region', id, { is_active: false });
  });
}
