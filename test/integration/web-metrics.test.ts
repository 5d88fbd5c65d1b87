import { expect } from 'chai';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import type { AppDeps } from '../../lib/deps.js';

describe('web /metrics', () => {
  let deps: AppDeps;
  let app: TestApp;
  afterEach(async () => {
    await closeTestApp(deps, app);
  });

  it('when requests were answered, then /metrics counts them by method, route template and status', async () => {
    ({ deps, app } = await openTestApp());
    await app.request('GET', '/healthz');
    await app.request('GET', '/api/regions/some_region/');
    await app.request('GET', '/api/nothing/here/');
    const res = await app.request('GET', '/metrics');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.include('text/plain');
    const text = res.body as string;
    expect(text).to.include(
      'invo_http_requests_total{method="GET",route="/healthz",status="200"} 1',
    );
    expect(text).to.include('invo_http_requests_total{method="GET",route="/api/regions/:id/"');
    expect(text).to.include('route="unmatched",status="404"');
    expect(text).to.not.include('some_region');
    expect(text).to.match(
      /invo_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/healthz",status="200"\}/,
    );
    expect(text).to.include('process_cpu_user_seconds_total');
  });

  it('when METRICS_TOKEN is set, then a scrape without it is 401 and with it 200', async () => {
    ({ deps, app } = await openTestApp({ METRICS_TOKEN: 'scrape-secret-123' }));
    expect((await app.request('GET', '/metrics')).status).to.equal(401);
    const wrong = await app.request('GET', '/metrics', {
      headers: { authorization: 'Bearer scrape-secret-12X' },
    });
    expect(wrong.status).to.equal(401);
    const right = await app.request('GET', '/metrics', {
      headers: { authorization: 'Bearer scrape-secret-123' },
    });
    expect(right.status).to.equal(200);
  });
});
