/**
 * The OpenAPI document's response schemas are checked against what the API really sends, so
 * the document stays true as the code changes.
 */
import { expect } from 'chai';
import { Ajv } from 'ajv';
import type { AppDeps } from '../../lib/deps.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';

describe('OpenAPI response schemas', () => {
  let deps: AppDeps;
  let app: TestApp;
  let document: any;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // The contract's times: ISO-8601 in UTC with Z.
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  // Report days: the service's local calendar day.
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);

  /** Asserts the body fits the response schema the document gives for this operation. */
  function expectDocumented(method: string, path: string, res: { status: number; body: unknown }) {
    const operation = document.paths[path]?.[method];
    expect(operation, `${method} ${path} is documented`).to.not.equal(undefined);
    const schema = operation.responses[res.status]?.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} documents a ${res.status} body`).to.not.equal(undefined);
    const validate = ajv.compile({ ...schema, components: document.components });
    const valid = validate(res.body);
    expect(valid, `${method} ${path}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
  }

  before(async () => {
    ({ deps, app } = await openTestApp());
    await resetState(deps);
    document = (await app.request('GET', '/api/openapi.json')).body;
  });
  after(async () => {
    await closeTestApp(deps, app);
  });

  it('when the contract’s main resources are read and written, then every body fits its documented schema', async () => {
    const region = await createRegion(deps, {
      id: 'atyrau_center',
      polygon_coordinates: [
        [47.09, 51.9],
        [47.12, 51.9],
        [47.12, 51.94],
        [47.09, 51.94],
      ],
    });
    const passenger = await createPassenger(deps, region.id, { allowed_companion: true });
    const driver = await createDriver(deps, region.id, { wheelchair_accessible: true });
    const passengerToken = await tokenFor(deps, passenger.user);
    const driverToken = await tokenFor(deps, driver.user);
    const staffToken = await tokenFor(deps, await createUser(deps, 'dispatcher'));

    expectDocumented('get', '/api/regions/', await app.request('GET', '/api/regions/'));
    expectDocumented(
      'get',
      '/api/regions/{id}/',
      await app.request('GET', `/api/regions/${region.id}/`),
    );

    const created = await app.request('POST', '/api/orders/', {
      token: passengerToken,
      body: {
        pickup_title: 'Центр',
        dropoff_title: 'Вокзал',
        pickup_lat: 47.1067,
        pickup_lon: 51.9167,
        dropoff_lat: 47.1218,
        dropoff_lon: 51.8736,
        has_companion: true,
        note: 'Коляска',
      },
    });
    expect(created.status).to.equal(201);
    expectDocumented('post', '/api/orders/', created);
    const orderId = created.body.id as string;
    expectDocumented(
      'get',
      '/api/orders/',
      await app.request('GET', '/api/orders/', { token: passengerToken }),
    );
    expectDocumented(
      'get',
      '/api/orders/{id}/',
      await app.request('GET', `/api/orders/${orderId}/`, { token: staffToken }),
    );
    expectDocumented(
      'get',
      '/api/orders/{id}/events/',
      await app.request('GET', `/api/orders/${orderId}/events/`, { token: passengerToken }),
    );
    expectDocumented(
      'get',
      '/api/orders/passenger/{id}/',
      await app.request('GET', `/api/orders/passenger/${passenger.passenger.id}/`, {
        token: staffToken,
      }),
    );

    expectDocumented(
      'get',
      '/api/passengers/me/',
      await app.request('GET', '/api/passengers/me/', { token: passengerToken }),
    );
    expectDocumented(
      'get',
      '/api/passengers/',
      await app.request('GET', '/api/passengers/', { token: staffToken }),
    );
    expectDocumented(
      'get',
      '/api/drivers/',
      await app.request('GET', '/api/drivers/', { token: staffToken }),
    );
    expectDocumented(
      'get',
      '/api/drivers/me/',
      await app.request('GET', '/api/drivers/me/', { token: driverToken }),
    );
    expectDocumented(
      'patch',
      '/api/drivers/{id}/location/',
      await app.request('PATCH', `/api/drivers/${driver.driver.id}/location/`, {
        token: driverToken,
        body: { lat: 47.107, lon: 51.917, heading: 90, speed: 8.5 },
      }),
    );
    const candidates = await app.request('GET', `/api/dispatch/candidates/${orderId}/`, {
      token: staffToken,
    });
    expectDocumented('get', '/api/dispatch/candidates/{order_id}/', candidates);
    expectDocumented(
      'get',
      '/api/drivers/me/offers/',
      await app.request('GET', '/api/drivers/me/offers/', { token: driverToken }),
    );

    expectDocumented(
      'get',
      '/api/reports/dispatch-quality/',
      await app.request('GET', '/api/reports/dispatch-quality/', { token: staffToken }),
    );

    const cancelled = await app.request('PATCH', `/api/orders/${orderId}/status/`, {
      token: passengerToken,
      body: { status: 'cancelled', reason: 'Планы изменились' },
    });
    expect(cancelled.status).to.equal(200);
    expectDocumented('patch', '/api/orders/{id}/status/', cancelled);
  });

  it('when a body does not fit, then the check fails (the schemas are not vacuous)', () => {
    const validate = ajv.compile({
      ...document.paths['/api/orders/{id}/'].get.responses['200'].content['application/json']
        .schema,
      components: document.components,
    });
    expect(validate({ id: 'order_x', version: '1' })).to.equal(false);
  });
});
