/**
 * The statistics of dispatch quality, pure: the replay simulator's report and the operator's
 * quality report (GET /api/reports/dispatch-quality/) compute every figure with these.
 */

/** Linear-interpolated percentile (the "R-7" rule spreadsheets use); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] ?? 0;
  const high = sorted[upper] ?? low;
  return low + (high - low) * (position - lower);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** Share of `values` at most `limit` out of `total` (which may count unserved requests too). */
export function shareAtMost(
  values: readonly number[],
  limit: number,
  total = values.length,
): number | null {
  if (total === 0) return null;
  return values.filter((v) => v <= limit).length / total;
}

/**
 * Gini coefficient of non-negative amounts (0 = perfectly even, → 1 = one takes all), over
 * every member — drivers with zero trips count, they are the unfairness.
 */
export function gini(amounts: readonly number[]): number | null {
  const n = amounts.length;
  if (n === 0) return null;
  const sorted = [...amounts].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  if (total === 0) return 0;
  const weighted = sorted.reduce((sum, v, i) => sum + (i + 1) * v, 0);
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/** Points of the Lorenz curve: [share of members, share of the amount they hold], from (0, 0). */
export function lorenzCurve(amounts: readonly number[], points = 20): [number, number][] {
  const sorted = [...amounts].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  const curve: [number, number][] = [[0, 0]];
  if (sorted.length === 0) return curve;
  let cumulative = 0;
  let next = 1;
  sorted.forEach((v, i) => {
    cumulative += v;
    const share = (i + 1) / sorted.length;
    if (share >= next / points || i === sorted.length - 1) {
      curve.push([share, total === 0 ? share : cumulative / total]);
      while (next / points <= share) next++;
    }
  });
  return curve;
}
