/**
 * Per-hop breakdown of `bench:realtime`'s pipeline runs: commit → the relay's claim of the
 * outbox row → publication on the fan-out channel → passenger socket, from the bench's own
 * commit/receive times and the hop probe's records (bench/realtime-hop-probe.ts). All clocks
 * are this host's wall clock in ms. Also watches the bench process's own event loop, so a
 * saturated measuring process shows as such instead of as pipeline latency.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { HopRecord } from './realtime-hop-probe.js';
import { percentile } from './realtime-phases.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface HopProbe {
  /** Records since the last report, keyed `order_id:version`. */
  report(): Promise<Record<string, HopRecord>>;
  stop(): Promise<void>;
}

export async function startHopProbe(env: NodeJS.ProcessEnv): Promise<HopProbe> {
  const child: ChildProcess = fork(path.join(here, 'realtime-hop-probe.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const [ready] = (await once(child, 'message')) as [unknown];
  if (ready !== 'ready') throw new Error('hop probe did not start');
  return {
    report: async () => {
      child.send('report');
      const [records] = (await once(child, 'message')) as [Record<string, HopRecord>];
      return records;
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.send('stop');
      await exited;
    },
  };
}

export const hopNames = [
  'commit → relay claim (NOTIFY, relay wake-up, BEGIN)',
  'relay claim → published (claim query, reads, gated PUBLISH)',
  'published → client (node emit, socket, client)',
  'total commit → client',
] as const;
const totalIndex = hopNames.length - 1;

export interface HopRow {
  hop: string;
  p50: number;
  p99: number;
  max: number;
  /** Mean of this hop over the slowest 1% of changes (by total). */
  tailMean: number;
}

export function hopBreakdown(
  samples: Map<string, { sent?: number; received?: number }>,
  records: Record<string, HopRecord>,
): { rows: HopRow[]; matched: number } {
  const toWall = (t: number) => performance.timeOrigin + t;
  const changes: number[][] = [];
  for (const [key, sample] of samples) {
    const r = records[key];
    if (sample.sent === undefined || sample.received === undefined || !r) continue;
    if (r.claimedAt === undefined || r.publishedAt === undefined) continue;
    const committed = toWall(sample.sent);
    const received = toWall(sample.received);
    changes.push([
      r.claimedAt - committed,
      r.publishedAt - r.claimedAt,
      received - r.publishedAt,
      received - committed,
    ]);
  }
  const byTotal = [...changes].sort((a, b) => a[totalIndex]! - b[totalIndex]!);
  const tail = byTotal.slice(Math.floor(byTotal.length * 0.99));
  const rows = hopNames.map((hop, i) => {
    const sorted = changes.map((c) => c[i]!).sort((a, b) => a - b);
    return {
      hop,
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      max: sorted.at(-1) ?? NaN,
      tailMean: tail.reduce((sum, c) => sum + c[i]!, 0) / Math.max(1, tail.length),
    };
  });
  return { rows, matched: changes.length };
}

/** The bench process's event-loop delay over a phase. */
export function watchOwnEventLoop(): { stop(): { p99: number; max: number } } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    stop: () => {
      histogram.disable();
      return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
    },
  };
}

export function printHops(
  name: string,
  rows: HopRow[],
  matched: number,
  loop: { p99: number; max: number },
) {
  const f = (v: number) => v.toFixed(1);
  console.log(
    `\n${name}: per hop (${matched} changes matched; bench process event-loop delay p99 ${f(loop.p99)} ms, max ${f(loop.max)} ms)`,
  );
  console.log('| hop | p50 | p99 | max | mean in slowest 1% |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.hop} | ${f(r.p50)} ms | ${f(r.p99)} ms | ${f(r.max)} ms | ${f(r.tailMean)} ms |`,
    );
}

export interface ProcessStalls {
  name: string;
  /** Event-loop delay since the previous scrape (prom-client resets it on each scrape). */
  lagP99: number;
  lagMax: number;
  /** Time in GC since the previous scrape. */
  gcMs: number;
}

const metricValue = (body: string, name: string): number => {
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) * 1000 : NaN;
};
const gcSeconds = (body: string): number =>
  body
    .split('\n')
    .filter((l) => l.startsWith('nodejs_gc_duration_seconds_sum'))
    .reduce((sum, l) => sum + Number(l.split(' ')[1]), 0);

/**
 * Reads each process's /metrics (realtime nodes, the worker): call once before a phase (to
 * reset the event-loop histogram) and once after it.
 */
export function watchProcesses(targets: { name: string; url: string }[]) {
  const gcBefore = new Map<string, number>();
  const scrape = async () =>
    Promise.all(
      targets.map(async ({ name, url }) => {
        const body = await (await fetch(`${url}/metrics`)).text();
        const gc = gcSeconds(body);
        const stalls: ProcessStalls = {
          name,
          lagP99: metricValue(body, 'nodejs_eventloop_lag_p99_seconds'),
          lagMax: metricValue(body, 'nodejs_eventloop_lag_max_seconds'),
          gcMs: (gc - (gcBefore.get(name) ?? gc)) * 1000,
        };
        gcBefore.set(name, gc);
        return stalls;
      }),
    );
  return { scrape };
}

export function printStalls(stalls: ProcessStalls[]) {
  const f = (v: number) => v.toFixed(1);
  console.log('| process | event-loop delay p99 | max | time in GC |');
  console.log('|---|---|---|---|');
  for (const s of stalls)
    console.log(`| ${s.name} | ${f(s.lagP99)} ms | ${f(s.lagMax)} ms | ${f(s.gcMs)} ms |`);
}
