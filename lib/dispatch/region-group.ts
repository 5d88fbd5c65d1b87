/**
 * Region groups: the unit of a batch matching round. A group holds every region whose
 * drivers may serve one another's pickups, so that one assignment sees every order that
 * competes for a driver, and two rounds never compete for the same one.
 *
 * - `priority` region mode: any driver may serve any pickup within reach, so all regions
 *   form ONE group (`all`). With one city that is exactly right; regions of cities farther
 *   apart than the pickup reach share the round without sharing a driver, which costs only
 *   the round's size.
 * - `hard` region mode: a driver serves only their own region, so each region is its own
 *   group (`region:<id>`), and rounds of different regions run independently.
 *
 * Pure: the round tick, the replay simulator, the docs and the tests share it.
 */
export interface RegionGroup {
  /** Names the group's round lock; stable across workers and restarts. */
  key: string;
  /** The regions whose waiting orders the round takes; null = every region. */
  regionIds: string[] | null;
}

export const allRegionsGroupKey = 'all';

/**
 * Orders one round takes at most, the group's longest-waiting; the rest (newest) wait for
 * the next round. Bounds the assignment's matrix and so the round's time.
 */
export const maxOrdersPerRound = 500;

export function regionGroups(
  regionsWithWaitingOrders: readonly string[],
  regionMode: 'priority' | 'hard',
): RegionGroup[] {
  if (regionsWithWaitingOrders.length === 0) return [];
  if (regionMode === 'priority') return [{ key: allRegionsGroupKey, regionIds: null }];
  return [...new Set(regionsWithWaitingOrders)]
    .sort()
    .map((id) => ({ key: `region:${id}`, regionIds: [id] }));
}
