/** Driver status writes that follow order transitions. */
import type { Db } from '../database.js';
import { DriverModel } from '../models/models.js';
import type { DriverStatus } from '../../lib/orders/order-status.js';

/**
 * Sets the driver's status; `free` becomes online_idle when the driver is online, else
 * offline. Returns the new status.
 */
export async function setDriverStatus(
  db: Db,
  driverId: number,
  status: DriverStatus | 'free',
): Promise<string | undefined> {
  const driver = await DriverModel.query(db).patchAndFetchById(driverId, {
    status:
      status === 'free'
        ? DriverModel.raw(`CASE WHEN is_online THEN 'online_idle' ELSE 'offline' END`)
        : status,
    updated_at: DriverModel.fn.now(),
  });
  return driver?.status;
}

/** Reads the driver and locks the row until the transaction ends (serialises assignments). */
export async function lockDriver(db: Db, driverId: number): Promise<DriverModel | undefined> {
  return DriverModel.query(db).findById(driverId).forUpdate();
}
