/**
 * `dispatch.batch-round`: one batch matching tick (a round per region group). Tried once: the
 * next tick, one window later, is the retry. With `DISPATCH_POLICY=ranked` it does nothing,
 * so a tick left in Redis after switching back cannot offer.
 */
import { runBatchRounds } from '../../lib/dispatch/batch-round.js';
import type { Processor } from '../processors.js';

export const batchRoundProcessor: Processor<'dispatch.batch-round'> = async (
  _payload,
  { signal, deps },
) => {
  if (deps.config.dispatch.policy !== 'batch') return { skipped: 'policy ranked' };
  return { rounds: await runBatchRounds(deps, signal) };
};
