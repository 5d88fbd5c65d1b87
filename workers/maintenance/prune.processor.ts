/** `maintenance.prune`: deletes rows past their retention; counts go to the log and the result. */
import { pruneExpiredRows } from '../../lib/maintenance/prune.js';
import type { Processor } from '../processors.js';

export const pruneProcessor: Processor<'maintenance.prune'> = async (
  _payload,
  { signal, deps, log },
) => {
  const pruned = await pruneExpiredRows(deps, { signal });
  log.info({ pruned }, 'maintenance prune done');
  return pruned;
};
