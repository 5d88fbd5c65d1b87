/** Measuring helpers of the realtime benchmark: delivery probe, paced and saturated runs. */
import { performance } from 'node:perf_hooks';
import type { BenchPassenger } from './realtime-fixtures.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
const benchStart = performance.now();
export const progress = (message: string) =>
  process.stderr.write(
    `[bench +${((performance.now() - benchStart) / 1000).toFixed(0)} s] ${message}\n`,
  );

/** Counts every delivery and matches status events with their commit (or emit) time. */
export class Probe {
  deliveries = 0;
  latencies: number[] = [];
  /** Every key's send and receive time (performance.now()), for the per-hop breakdown. */
  samples = new Map<string, { sent?: number; received?: number }>();
  private sentAt = new Map<string, number>();
  private early = new Map<string, number>();

  sent(key: string, at: number) {
    this.sample(key).sent = at;
    const received = this.early.get(key);
    if (received === undefined) this.sentAt.set(key, at);
    else {
      this.early.delete(key);
      this.latencies.push(received - at);
    }
  }
  received(key: string, at: number) {
    this.sample(key).received ??= at;
    const sent = this.sentAt.get(key);
    if (sent === undefined) this.early.set(key, at);
    else {
      this.sentAt.delete(key);
      this.latencies.push(at - sent);
    }
  }
  private sample(key: string) {
    let sample = this.samples.get(key);
    if (!sample) this.samples.set(key, (sample = {}));
    return sample;
  }
  reset() {
    this.samples = new Map();
    this.deliveries = 0;
    this.latencies = [];
    this.sentAt.clear();
    this.early.clear();
  }
}

export async function runInPool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
  return check();
}

export interface PhaseResult {
  p50: number;
  p99: number;
  eventsPerSecond: number;
  changesPerSecond: number;
  complete: boolean;
}

/** Runs `fire` for each passenger (paced or saturated) and waits for every delivery. */
export async function runPhase(
  probe: Probe,
  targets: BenchPassenger[],
  deliveriesPerChange: number,
  mode:
    { paced: true; perSecond: number; inFlight?: number } | { paced: false; concurrency: number },
  fire: (target: BenchPassenger) => Promise<void>,
): Promise<PhaseResult> {
  probe.reset();
  const start = performance.now();
  if (mode.paced) {
    // At most `inFlight` at once: on a loaded host the committers fall behind the pace, and
    // a backlog beyond the connection pool would time out in the pool's queue (60 s). Late
    // firings show as a lower `changes/s fired`, never as pipeline latency (timed from the
    // commit).
    const intervalMs = 1000 / mode.perSecond;
    const inFlight = mode.inFlight ?? Infinity;
    let running = 0;
    const waiting: (() => void)[] = [];
    await Promise.all(
      targets.map(async (target, i) => {
        await sleep(i * intervalMs);
        if (running >= inFlight) await new Promise<void>((resolve) => waiting.push(resolve));
        running++;
        try {
          await fire(target);
        } finally {
          running--;
          waiting.shift()?.();
        }
      }),
    );
  } else {
    await runInPool(targets, mode.concurrency, fire);
  }
  const firedIn = performance.now() - start;
  const expected = targets.length * deliveriesPerChange;
  const complete = await waitUntil(() => probe.deliveries >= expected, 120_000);
  const elapsed = performance.now() - start;
  const sorted = [...probe.latencies].sort((a, b) => a - b);
  const result = {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    eventsPerSecond: probe.deliveries / (elapsed / 1000),
    changesPerSecond: targets.length / (firedIn / 1000),
    complete,
  };
  progress(`  done: ${JSON.stringify(result)} (${probe.deliveries}/${expected} deliveries)`);
  return result;
}
