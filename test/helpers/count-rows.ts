/** `SELECT count(*)` of a query, as a number (PostgreSQL returns bigint counts as strings). */
import type { Knex } from 'knex';

export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const rows: { n?: string | number }[] = await query.count({ n: '*' });
  return Number(rows[0]?.n ?? 0);
}
