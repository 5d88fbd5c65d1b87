import type { Db } from '../database.js';

export async function pingDatabase(db: Db): Promise<void> {
  await db.raw('SELECT 1');
}
