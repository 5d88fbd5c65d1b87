import { expect } from 'chai';
import { UnrecoverableError, type Worker } from 'bullmq';
import type { AppDeps } from '../../lib/deps.js';
import { registerDispatchMetrics } from '../../lib/metrics/dispatch-metrics.js';
import { createMetricsRegistry } from '../../lib/metrics/metrics-registry.js';
import { startMetricsServer, type MetricsServer } from '../../lib/metrics/metrics-server.js';
import { createJobMetrics, registerQueueDepths } from '../../lib/metrics/queue-metrics.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { closeDeps, createTestDeps, resetState } from '../helpers/test-deps.js';
import { createPassenger, createRegion } from '../helpers/factories.js';
import { acceptOffer } from '../../lib/dispatch/answer-offer.js';
import {
  createOrderIn,
  offerAndClose,
  offerTo,
  placeDriver,
} from '../helpers/dispatch-fixtures.js';
import { pollUntil } from '../helpers/poll-until.js';

describe('worker /metrics: queues, jobs, dispatch outcomes', () => {
  let deps: AppDeps;
  let server: MetricsServer | undefined;
  let workers: Worker[] = [];
  before(() => {
    deps = createTestDeps();
  });
  beforeEach(() => resetState(deps));
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
    await server?.close();
  });
  after(() => closeDeps(deps));

  const scrape = async (token?: string) => {
    const res = await fetch(`http://127.0.0.1:${server!.port}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, text: await res.text() };
  };

  it('when jobs wait, complete and fail, then depths and outcomes per job name are exposed', async () => {
    const registry = createMetricsRegistry();
    registerQueueDepths(registry, deps.queues);
    const jobMetrics = createJobMetrics(registry);
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      token: '',
      logger: deps.logger,
    });
    await deps.queues.sms.add('sms.send', { sms_message_id: 1 });
    await deps.queues.sms.add('sms.send', { sms_message_id: 2 });
    await deps.queues.sms.add('sms.send', { sms_message_id: 3 });
    expect((await scrape()).text).to.include('invo_queue_jobs{queue="sms",state="wait"} 3');

    workers = startQueueWorkers(deps, ['sms'], {
      'sms.send': (payload) => {
        if (payload.sms_message_id === 3) throw new UnrecoverableError('gateway refused');
        return Promise.resolve();
      },
    });
    for (const worker of workers) jobMetrics.observeWorker(worker);
    await pollUntil(async () => {
      const text = (await scrape()).text;
      return (
        text.includes('invo_jobs_total{queue="sms",job="sms.send",outcome="failed"} 1') &&
        text.includes('invo_jobs_total{queue="sms",job="sms.send",outcome="completed"} 2')
      );
    });
    const { text } = await scrape();
    expect(text).to.include('invo_jobs_total{queue="sms",job="sms.send",outcome="completed"} 2');
    expect(text).to.include('invo_queue_jobs{queue="sms",state="wait"} 0');
    expect(text).to.include('invo_queue_jobs{queue="sms",state="failed"} 1');
    expect(text).to.include('invo_queue_jobs{queue="dispatch",state="delayed"} 0');
    expect(text).to.match(/invo_job_duration_seconds_count\{queue="sms",job="sms.send"\} 3/);
    expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).to.equal(200);
  });

  it('when offers were made and an order was assigned, then offer outcomes and time to assignment come from the database', async () => {
    const registry = createMetricsRegistry();
    registerDispatchMetrics(registry, deps.db.knex, undefined, {
      eventsPerScrape: 1000,
      settleSeconds: 0,
    });
    server = await startMetricsServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      token: 'scrape-me-please',
      logger: deps.logger,
    });
    // Made 100 s in the past (a clock of their own), so the assignment 42 s after the order
    // entered matching has settled by the scrape.
    let pastMs = Date.now() - 100_000;
    const past = createTestDeps({}, { now: () => new Date(pastMs) });
    try {
      const region = await createRegion(past);
      const { passenger } = await createPassenger(past, region.id);
      const { driver, actor } = await placeDriver(past, region.id, 1);
      const orderId = await createOrderIn(past, passenger);
      for (const how of ['declined', 'declined', 'expired'] as const) {
        await offerAndClose(past, orderId, driver.id, how);
      }
      pastMs += 42_000;
      const offer = await offerTo(past, orderId, driver.id);
      await acceptOffer(past, actor, { offerId: offer.id });
      // One more offer, still pending: not an outcome yet.
      const other = await placeDriver(past, region.id, 2);
      await offerTo(past, await createOrderIn(past, passenger), other.driver.id);
    } finally {
      await closeDeps(past);
    }

    expect((await scrape()).status).to.equal(401);
    const { status, text } = await scrape('scrape-me-please');
    expect(status).to.equal(200);
    expect(text).to.include('invo_dispatch_offers_total{outcome="accepted"} 1');
    expect(text).to.include('invo_dispatch_offers_total{outcome="declined"} 2');
    expect(text).to.include('invo_dispatch_offers_total{outcome="expired"} 1');
    expect(text).to.include('invo_dispatch_offers_total{outcome="cancelled"} 0');
    expect(text).to.include('# TYPE invo_dispatch_time_to_assignment_seconds histogram');
    expect(text).to.include('invo_dispatch_time_to_assignment_seconds_bucket{le="30"} 0');
    expect(text).to.include('invo_dispatch_time_to_assignment_seconds_bucket{le="60"} 1');
    expect(text).to.include('invo_dispatch_time_to_assignment_seconds_bucket{le="+Inf"} 1');
    expect(text).to.include('invo_dispatch_time_to_assignment_seconds_count 1');
    const sum = /invo_dispatch_time_to_assignment_seconds_sum (\S+)/.exec(text)?.[1];
    expect(Number(sum)).to.be.closeTo(42, 0.01); // PostgreSQL keeps microseconds, Date ms
  });
});
