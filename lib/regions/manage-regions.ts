/**
 * Regions: public reads of active regions, admin writes with an audit row in the same
 * transaction. Deactivating keeps the row (orders and people still point at it) and only
 * drops it from public reads.
 */
import {
  findRegionById,
  insertRegion,
  pageRegions,
  updateRegionById,
} from '../../db/repositories/region.repository.js';
import { isStaff, type Actor, type UserActor } from '../auth/actor.js';
import { recordAudit } from '../audit/audit-trail.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { toPageWindow, type PageRequest } from '../pagination/paginate.js';
import type { CreateRegionInput, UpdateRegionInput } from './region.schemas.js';
import { regionIdParam } from './region.schemas.js';
import { toRegionView, type RegionView } from './region-view.js';

/** Staff see whether a region is active; the public only ever sees active ones. */
export type StaffRegionView = RegionView & { is_active: boolean };

type RegionDeps = Pick<AppDeps, 'db'>;

const toStaffRegionView = (region: Parameters<typeof toRegionView>[0]): StaffRegionView => ({
  ...toRegionView(region),
  is_active: region.is_active,
});

export async function listRegions(
  deps: RegionDeps,
  actor: UserActor | undefined,
  input: { include_inactive?: boolean | undefined; page: PageRequest },
): Promise<{ count: number; results: RegionView[] }> {
  const includeInactive = input.include_inactive === true;
  if (includeInactive && !(actor && isStaff(actor))) throw new AppError('forbidden');
  const { count, rows } = await pageRegions(
    deps.db.knex,
    { includeInactive },
    toPageWindow(input.page),
  );
  return {
    count,
    results: rows.map((r) => (actor && isStaff(actor) ? toStaffRegionView(r) : toRegionView(r))),
  };
}

export async function getRegion(
  deps: RegionDeps,
  actor: UserActor | undefined,
  input: { id: string },
): Promise<RegionView> {
  const { id } = input;
  const staff = actor !== undefined && isStaff(actor);
  const region = regionIdParam.test(id) ? await findRegionById(deps.db.knex, id) : undefined;
  if (!region || (!region.is_active && !staff)) throw new AppError('not_found');
  return staff ? toStaffRegionView(region) : toRegionView(region);
}

export async function createRegion(
  deps: RegionDeps,
  actor: Actor,
  input: CreateRegionInput,
): Promise<StaffRegionView> {
  return deps.db.transaction(async (trx) => {
    if (await findRegionById(trx, input.id)) {
      throw new AppError('conflict', { fields: { id: ['A region with this id exists'] } });
    }
    const region = await insertRegion(trx, input);
    await recordAudit(trx, actor, 'create', 'region', region.id, { ...input });
    return toStaffRegionView(region);
  });
}

export async function updateRegion(
  deps: RegionDeps,
  actor: Actor,
  request: { id: string; changes: UpdateRegionInput },
): Promise<StaffRegionView> {
  const { id, changes: input } = request;
  return deps.db.transaction(async (trx) => {
    const existing = regionIdParam.test(id) ? await findRegionById(trx, id) : undefined;
    if (!existing) throw new AppError('not_found');
    const region = await updateRegionById(trx, id, input);
    if (!region) throw new AppError('not_found');
    await recordAudit(trx, actor, 'update', 'region', id, { ...input });
    return toStaffRegionView(region);
  });
}

export async function deactivateRegion(
  deps: RegionDeps,
  actor: Actor,
  input: { id: string },
): Promise<void> {
  const { id } = input;
  await deps.db.transaction(async (trx) => {
    const existing = regionIdParam.test(id) ? await findRegionById(trx, id) : undefined;
    if (!existing) throw new AppError('not_found');
    if (!existing.is_active) return;
    await updateRegionById(trx, id, { is_active: false });
    await recordAudit(trx, actor, 'deactivate', 'region', id, { is_active: false });
  });
}
