/** Throughput and latency of a bench's queries, one in flight or many. */
import { performance } from 'node:perf_hooks';
import type { Point } from './nyc-trips.js';

export const inFlight = 32;

export interface Timing {
  qps: number;
  p50Us: number;
  p99Us: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

export function summarise(latenciesMs: number[], totalMs: number): Timing {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    qps: (latenciesMs.length / totalMs) * 1000,
    p50Us: percentile(sorted, 0.5) * 1000,
    p99Us: percentile(sorted, 0.99) * 1000,
  };
}

export async function timeSequential<T>(
  queries: Point[],
  run: (q: Point) => Promise<T> | T,
): Promise<{ timing: Timing; answers: T[] }> {
  const latencies: number[] = [];
  const answers: T[] = [];
  const start = performance.now();
  for (const q of queries) {
    const t0 = performance.now();
    answers.push(await run(q));
    latencies.push(performance.now() - t0);
  }
  return { timing: summarise(latencies, performance.now() - start), answers };
}

export async function timeConcurrent<T>(
  queries: Point[],
  run: (q: Point) => Promise<T>,
): Promise<{ timing: Timing; answers: T[] }> {
  const latencies: number[] = new Array<number>(queries.length);
  const answers: T[] = new Array<T>(queries.length);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < queries.length) {
        const i = next++;
        const t0 = performance.now();
        answers[i] = await run(queries[i]!);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return { timing: summarise(latencies, performance.now() - start), answers };
}
