import { expect } from 'chai';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import type { AppDeps } from '../../lib/deps.js';

describe('health and docs', () => {
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));

  it('when alive, then /healthz is 200', async () => {
    const res = await app.request('GET', '/healthz');
    expect(res.status).to.equal(200);
  });

  it('when PostgreSQL and Redis answer, then /readyz is 200 with both ok', async () => {
    const res = await app.request('GET', '/readyz');
    expect(res.status).to.equal(200);
    expect(res.body.checks).to.include({ postgres: 'ok', redis: 'ok' });
  });

  it('when the path is unknown, then 404 in the contract error shape', async () => {
    const res = await app.request('GET', '/api/nothing-here/', {
      headers: { 'accept-language': 'ru' },
    });
    expect(res.status).to.equal(404);
    expect(res.body).to.include({ code: 'not_found', error: 'Не найдено' });
  });

  it('when the OpenAPI document is read, then it is OpenAPI 3', async () => {
    const res = await app.request('GET', '/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.match(/^3\./);
  });

  it('when the docs page is read, then it is served without a CDN', async () => {
    const page = await app.request('GET', '/api/docs');
    expect(page.status).to.equal(200);
    expect(page.body).to.include('/api/docs/assets/swagger-ui-bundle.js');
    expect(page.body).not.to.match(/https?:\/\//);
    const asset = await app.request('GET', '/api/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).to.equal(200);
  });
});
