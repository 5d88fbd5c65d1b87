/**
 * Run as its own process by pg-one-query-per-client.test.ts, so objection's column cache is
 * cold: joins one graph (argv[2]) inside a transaction, as the use cases do.
 */
import { createDatabase } from '../../db/database.js';
import { findDriverWithGraph } from '../../db/repositories/driver.repository.js';
import {
  findOrdersWithParties,
  findOrderWithParties,
} from '../../db/repositories/order.repository.js';

const joins: Record<string, (trx: Parameters<typeof findDriverWithGraph>[0]) => Promise<unknown>> =
  {
    order: (trx) => findOrderWithParties(trx, '00000000-0000-0000-0000-000000000000'),
    orders: (trx) => findOrdersWithParties(trx, ['00000000-0000-0000-0000-000000000000']),
    driver: (trx) => findDriverWithGraph(trx, 0),
  };

async function main(): Promise<void> {
  const join = joins[process.argv[2] ?? ''];
  if (!join) throw new Error(`which graph? one of ${Object.keys(joins).join(', ')}`);
  const db = createDatabase(process.env.DATABASE_URL!);
  try {
    await db.transaction(join);
  } finally {
    await db.close();
  }
}

void main();
