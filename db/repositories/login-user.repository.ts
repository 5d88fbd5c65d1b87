/** Users as login sees them: found or created by phone, with their active profiles. */
import type { Db } from '../database.js';
import { DriverModel, PassengerModel, UserModel } from '../models/models.js';

export async function findUserByPhone(db: Db, phone: string): Promise<UserModel | undefined> {
  return UserModel.query(db).findOne({ phone });
}

/**
 * The user for this phone, created as a passenger without a profile when there is none.
 * Two first logins racing for one phone end with one user: the loser reads the winner's row.
 */
export async function findOrCreatePassengerUser(
  db: Db,
  phone: string,
): Promise<{ user: UserModel; created: boolean }> {
  const inserted = await db('users')
    .insert({ phone, username: phone, role: 'passenger' })
    .onConflict('phone')
    .ignore()
    .returning<{ id: number }[]>('id');
  const user = await findUserByPhone(db, phone);
  if (!user) throw new Error('user for phone vanished after insert');
  return { user, created: inserted.length > 0 };
}

export async function findActivePassengerOfUser(
  db: Db,
  userId: number,
): Promise<PassengerModel | undefined> {
  return PassengerModel.query(db)
    .findOne({ user_id: userId, is_active: true })
    .withGraphFetched('[user, region]');
}

export async function findActiveDriverOfUser(
  db: Db,
  userId: number,
): Promise<DriverModel | undefined> {
  return DriverModel.query(db)
    .findOne({ user_id: userId, is_active: true })
    .withGraphFetched('[user, region]');
}

/** Any passenger row of the user, active or not: a user has at most one. */
export async function hasPassengerRow(db: Db, userId: number): Promise<boolean> {
  const row = await db('passengers')
    .where({ user_id: userId })
    .first<{ id: number } | undefined>('id');
  return row !== undefined;
}

export async function insertPassengerProfile(
  db: Db,
  row: {
    user_id: number;
    full_name: string;
    region_id: string;
    disability_category: string;
    allowed_companion: boolean;
    mobility_aid: string;
  },
): Promise<PassengerModel> {
  // Plain knex, so a unique violation surfaces as PostgreSQL's own error (code 23505).
  const [inserted] = await db('passengers').insert(row).returning<{ id: number }[]>('id');
  if (!inserted) throw new Error('passengers insert returned no id');
  return PassengerModel.query(db)
    .findById(inserted.id)
    .withGraphFetched('[user, region]')
    .throwIfNotFound();
}
