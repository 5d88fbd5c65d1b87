/**
 * The same order searched through the worker's in-memory supply (with its barrier) and through
 * SQL, as a match job would; counts the candidate-facts SQL queries the supply search made.
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { findRankedCandidates } from '../../lib/dispatch/find-candidates.js';
import { loadOrderForSearch } from '../../lib/dispatch/supply-follower.js';

export async function searchBothWays(deps: AppDeps, orderId: string) {
  // The first load starts the follower; wait until a load gets a barrier.
  let loaded = await loadOrderForSearch(deps, orderId);
  for (let i = 0; i < 100 && loaded?.supply.barrier === null; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    loaded = await loadOrderForSearch(deps, orderId);
  }
  expect(loaded?.supply.barrier, 'a supply barrier').to.be.a('string');
  let supplyQueries = 0;
  const count = (q: { sql: string }) => {
    if (q.sql.includes('trips_today')) supplyQueries++;
  };
  deps.db.knex.on('query', count);
  let viaSupply;
  try {
    viaSupply = await findRankedCandidates(deps, loaded!.order, { supply: loaded!.supply });
  } finally {
    deps.db.knex.off('query', count);
  }
  const viaSql = await findRankedCandidates(deps, loaded!.order);
  return { viaSupply, viaSql, supplyQueries };
}
