/**
 * `--sweep KEY=v1,v2,…` (repeatable): every combination of the listed DISPATCH_* values is
 * replayed with the chosen policies, and each run is marked on the efficiency–fairness
 * frontier (mean pickup distance against driver-trips Gini: a run is on the frontier when no
 * other run of the same policy is at least as good on both and better on one).
 */
import type { PolicyReport } from './report.js';
import {
  dispatchConfig,
  runPolicies,
  type ProgressFn,
  type ReplayInputs,
  type ReplayOptions,
} from './replay.js';

export interface SweepAxis {
  key: string;
  values: string[];
}

export interface SweepRun {
  settings: Record<string, string>;
  policies: (PolicyReport & { on_frontier: boolean })[];
}

/** The replay report of every settings combination, each policy marked on or off the frontier. */
export interface SettingsSweepReport {
  axes: SweepAxis[];
  runs: SweepRun[];
}

export function parseSweep(specs: readonly string[]): SweepAxis[] {
  return specs.map((spec) => {
    const [key, list] = spec.split('=');
    if (!key?.startsWith('DISPATCH_') || !list) {
      throw new Error(`--sweep wants DISPATCH_KEY=v1,v2,…, got "${spec}"`);
    }
    return { key, values: list.split(',').map((v) => v.trim()) };
  });
}

function combinations(axes: readonly SweepAxis[]): Record<string, string>[] {
  return axes.reduce<Record<string, string>[]>(
    (combos, axis) => combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.key]: v }))),
    [{}],
  );
}

const dominates = (a: PolicyReport, b: PolicyReport) => {
  const [ap, ag, bp, bg] = [
    a.pickup_km_mean ?? Infinity,
    a.driver_trips_gini ?? Infinity,
    b.pickup_km_mean ?? Infinity,
    b.driver_trips_gini ?? Infinity,
  ];
  return ap <= bp && ag <= bg && (ap < bp || ag < bg);
};

export function runSweep(
  inputs: ReplayInputs,
  options: ReplayOptions,
  overrides: Record<string, string>,
  axes: readonly SweepAxis[],
  progress: (label: string) => ProgressFn,
): SettingsSweepReport {
  const combos = combinations(axes);
  const raw = combos.map((settings, i) => {
    const label = `[${i + 1}/${combos.length}] `;
    const dispatch = dispatchConfig({ ...overrides, ...settings });
    return { settings, policies: runPolicies(inputs, options, dispatch, progress(label)) };
  });
  const all = raw.flatMap((r) => r.policies);
  const runs = raw.map((r) => ({
    settings: r.settings,
    policies: r.policies.map((p) => ({
      ...p,
      on_frontier: !all.some((q) => q.policy === p.policy && dominates(q, p)),
    })),
  }));
  return { axes: [...axes], runs };
}

const fmt = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

/** The sweep as a plain-text table, frontier runs starred. */
export function frontierTable(result: SettingsSweepReport): string {
  const lines = [
    'settings | policy | pickup km mean | gini | served ≤15 min | wav ≤15 min | frontier',
  ];
  for (const run of result.runs) {
    const settings = Object.entries(run.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    for (const p of run.policies) {
      lines.push(
        [
          settings,
          p.policy,
          fmt(p.pickup_km_mean, 3),
          fmt(p.driver_trips_gini, 4),
          fmt(p.served_within_15_min_share, 4),
          fmt(p.wav_within_15_min_share, 4),
          p.on_frontier ? '*' : '',
        ].join(' | '),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
