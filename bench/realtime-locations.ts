/**
 * Driver positions over sockets: every driver sends `driver:location` back to back (each
 * waits for its ack) for the given time; counts the acks that accepted the point.
 */
import { performance } from 'node:perf_hooks';
import type { ClientSocket } from '../test/helpers/realtime-node.js';
import type { BenchDriver } from './realtime-fixtures.js';

export interface LocationResult {
  drivers: number;
  accepted: number;
  refused: number;
  /** No ack within 10 s. */
  timedOut: number;
  acceptedPerSecond: number;
  p50: number;
  p99: number;
}

export async function measureLocations(
  sockets: ClientSocket[],
  drivers: BenchDriver[],
  durationMs: number,
): Promise<LocationResult> {
  let accepted = 0;
  let refused = 0;
  let timedOut = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    sockets.map(async (socket, i) => {
      let step = 0;
      while (performance.now() < end) {
        step++;
        const sentAt = performance.now();
        try {
          const ack = await socket.timeout(10_000).emitWithAck('driver:location', {
            lat: 47.1 + (i % 10) * 0.001 + step * 0.00001,
            lon: 51.9 + step * 0.00001,
            heading: 90,
            speed: 8.5,
            recorded_at: new Date().toISOString(),
          });
          latencies.push(performance.now() - sentAt);
          if (ack.ok) accepted++;
          else refused++;
        } catch {
          timedOut++;
        }
      }
    }),
  );
  const elapsed = performance.now() - start;
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return {
    drivers: drivers.length,
    accepted,
    refused,
    timedOut,
    acceptedPerSecond: accepted / (elapsed / 1000),
    p50: at(0.5),
    p99: at(0.99),
  };
}
