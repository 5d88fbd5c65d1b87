/**
 * A driver goes online or offline. Going online makes an offline driver `online_idle` (a busy
 * status is kept); going offline is refused (409) while the driver holds a pending offer or
 * an active trip, because the passenger is counting on them. The driver row is locked for the
 * change, so an offer cannot reserve the driver between our check and our write.
 */
import {
  findDriverCommitments,
  lockDriverRow,
  updateDriverById,
} from '../../db/repositories/driver.repository.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors/app-error.js';
import { driverHoldingStatuses } from '../orders/order-status.js';
import { busyDriverStatuses } from './driver-status.js';
import type { DriverView } from './driver-view.js';
import { loadDriverView } from './read-drivers.js';

type OnlineDeps = Pick<AppDeps, 'db' | 'positionIndex'>;

export async function setDriverOnline(
  deps: OnlineDeps,
  actor: UserActor,
  input: { driverId: number; isOnline: boolean },
): Promise<DriverView> {
  const { driverId, isOnline } = input;
  if (actor.role !== 'driver' || actor.driverId !== driverId) throw new AppError('not_found');
  await deps.db.transaction(async (trx) => {
    const driver = await lockDriverRow(trx, driverId);
    if (!driver?.is_active) throw new AppError('not_found');
    if (isOnline) {
      await updateDriverById(trx, driverId, {
        is_online: true,
        status: driver.status === 'offline' ? 'online_idle' : driver.status,
      });
      return;
    }
    const commitments = await findDriverCommitments(trx, driverId, driverHoldingStatuses);
    if (
      commitments.activeOrder ||
      commitments.pendingOffer ||
      (busyDriverStatuses as readonly string[]).includes(driver.status)
    ) {
      throw new AppError('conflict', {
        extra: { reason: commitments.activeOrder ? 'active_order' : 'pending_offer' },
      });
    }
    await updateDriverById(trx, driverId, { is_online: false, status: 'offline' });
  });
  const view = await loadDriverView(deps.db.knex, driverId);
  if (!isOnline) {
    await deps.positionIndex.remove(driverId);
    return view;
  }
  // Lifted even with no known position: else a driver who went offline before their first
  // report would stay out of the index whatever they report next.
  await deps.positionIndex.allowReports(driverId);
  if (view.current_lat !== null && view.current_lon !== null && view.last_location_update) {
    // Searchable again at the last known point; the index's freshness cut-off still applies.
    await deps.positionIndex.upsert({
      driverId,
      lat: view.current_lat,
      lon: view.current_lon,
      recordedAt: new Date(view.last_location_update),
    });
  }
  return view;
}
