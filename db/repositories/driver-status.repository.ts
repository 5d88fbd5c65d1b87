/** Driver status writes that follow order transitions. */
import type { Db } from '../database.js';
import { DriverModel } from '../models/models.js';
import type { DriverStatus } from '../../lib/drivers/driver-status.js';

/**
 * Sets the driver's status; `free` becomes online_idle when the driver is online, else
 * offline. Returns the new status.
 */
export async function setDriverStatus(
  db: Db,
  driverId: number,
  status: DriverStatus | 'free',
): Promise<string | undefined> {
  // UPDATE … RETURNING: one round trip, where patchAndFetchById makes two.
  const [driver] = await DriverModel.query(db)
    .patch({
      status:
        status === 'free'
          ? DriverModel.raw(`CASE WHEN is_online THEN 'online_idle' ELSE 'offline' END`)
          : status,
      updated_at: DriverModel.fn.now(),
    })
    .where('drivers.id', driverId)
    .returning('status');
  return driver?.status;
}

/** Reads the driver and locks the row until the transaction ends (serialises assignments). */
export async function lockDriver(db: Db, driverId: number): Promise<DriverModel | undefined> {
  return DriverModel.query(db).findById(driverId).forUpdate();
}
