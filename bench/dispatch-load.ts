/** The booking side of `bench:dispatch`: clients booking through the HTTP API, paced or flat out. */
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../lib/deps.js';

export const center = { lat: 47.1067, lon: 51.9167 };
const sleep = (delayMs: number) => new Promise((resolve) => setTimeout(resolve, delayMs));

export interface Booking {
  orderId: string;
  startedAt: number;
  respondedMs: number;
}

async function bookOne(baseUrl: string, token: string): Promise<Booking> {
  const body = {
    pickup_title: 'Home',
    dropoff_title: 'Clinic',
    // Spread like the drivers, so supply near each pickup lasts the whole run.
    pickup_lat: center.lat + (Math.random() - 0.5) * 0.9,
    pickup_lon: center.lon + (Math.random() - 0.5) * 1.3,
    dropoff_lat: center.lat,
    dropoff_lon: center.lon,
  };
  const startedAt = Date.now();
  const t0 = performance.now();
  const response = await fetch(`${baseUrl}/api/orders/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const order = (await response.json()) as { id?: string };
  if (response.status !== 201 || !order.id) throw new Error(`booking: ${response.status}`);
  return { orderId: order.id, startedAt, respondedMs: performance.now() - t0 };
}

/** As fast as `concurrency` clients can book: the throughput phase. */
export async function bookSaturated(
  baseUrl: string,
  tokens: string[],
  count: number,
  concurrency: number,
) {
  const bookings: Booking[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        bookings.push(await bookOne(baseUrl, tokens[n % tokens.length]!));
      }
    }),
  );
  return bookings;
}

/** A steady rate well below capacity: the latency phase (no queue builds up). */
export async function bookPaced(
  baseUrl: string,
  tokens: string[],
  count: number,
  perSecond: number,
) {
  const pending: Promise<Booking>[] = [];
  for (let n = 0; n < count; n++) {
    pending.push(bookOne(baseUrl, tokens[n % tokens.length]!));
    await sleep(1000 / perSecond);
  }
  return Promise.all(pending);
}

export async function waitForOffers(
  deps: AppDeps,
  target: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row]: {
      n: number;
    }[] = await deps.db.knex('orders').where({ status: 'offered' }).count({ n: '*' });
    const offered = Number(row?.n ?? 0);
    if (offered >= target || Date.now() > deadline) return offered;
    await sleep(200);
  }
}
