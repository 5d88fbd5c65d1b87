/** Passengers: profile reads (orders need the profile's rules: companion, mobility aid). */
import type { Db } from '../database.js';
import { PassengerModel } from '../models/models.js';

export type PassengerRow = PassengerModel;

/** Active or not: callers decide what an inactive profile means for them. */
export async function findPassengerById(db: Db, id: number): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findById(id);
}

export async function findPassengerByUserId(
  db: Db,
  userId: number,
): Promise<PassengerRow | undefined> {
  return PassengerModel.query(db).findOne({ user_id: userId });
}
