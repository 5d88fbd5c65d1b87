import { expect } from 'chai';
import type { Worker } from 'bullmq';
import type { AppDeps } from '../../lib/deps.js';
import { startOutboxRelay, type OutboxRelay } from '../../lib/outbox/outbox-relay.js';
import { startQueueWorkers } from '../../workers/processors.js';
import { createTestDeps, resetState } from '../helpers/test-deps.js';
import { closeTestApp, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createRegion } from '../helpers/factories.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { pollUntil } from '../helpers/poll-until.js';

describe('logs never carry phones, codes or tokens', () => {
  const testPhone = '+77019384756';
  const testCode = '739146';
  const realPhone = '+77058273641';
  let captured: CapturedLog;
  let deps: AppDeps;
  let app: TestApp;
  let relay: OutboxRelay;
  let workers: Worker[];

  before(async () => {
    captured = captureLog('debug'); // the most talkative level
    deps = {
      ...createTestDeps({ OTP_TEST_NUMBERS: `${testPhone}:${testCode}` }),
      logger: captured.logger,
    };
    await resetState(deps);
    app = await startTestApp(deps);
    relay = await startOutboxRelay({ ...deps, databaseUrl: deps.config.databaseUrl });
    workers = startQueueWorkers(deps, ['sms']);
  });
  after(async () => {
    await relay.stop();
    await Promise.all(workers.map((w) => w.close()));
    await closeTestApp(deps, app);
  });

  it('when people log in, order, refresh and log out with debug logs on, then no phone, code or token is logged', async () => {
    const region = await createRegion(deps);
    // A real number: a code is generated, sealed and sent by the SMS job (log provider).
    const login = await app.request('POST', '/api/auth/phone-login/', {
      body: { phone: '8 (705) 827-36-41' },
    });
    expect(login.status).to.equal(200);
    await pollUntil(async () => {
      const row = await deps.db.knex('sms_messages').first();
      return (row as { status?: string } | undefined)?.status === 'sent';
    }, 15_000);
    const wrong = await app.request('POST', '/api/auth/verify-otp/', {
      body: { phone: realPhone, code: '000000' },
    });
    expect(wrong.status).to.equal(400);

    // A test number: a fixed code, tokens issued.
    await app.request('POST', '/api/auth/phone-login/', { body: { phone: testPhone } });
    const verified = await app.request('POST', '/api/auth/verify-otp/', {
      body: { phone: testPhone, code: testCode },
    });
    expect(verified.status).to.equal(200);
    const { access, refresh } = verified.body as { access: string; refresh: string };
    const registered = await app.request('POST', '/api/auth/register-passenger/', {
      token: access,
      body: {
        full_name: 'Aigerim S.',
        region_id: region.id,
        disability_category: 'II группа',
        allowed_companion: true,
        mobility_aid: 'none',
      },
    });
    expect(registered.status).to.equal(201);
    const order = await app.request('POST', '/api/orders/', {
      token: access,
      body: {
        pickup_title: 'Home',
        dropoff_title: 'Clinic',
        pickup_lat: 47.1067,
        pickup_lon: 51.9167,
        dropoff_lat: 47.12,
        dropoff_lon: 51.95,
        note: `call me at ${realPhone}`,
      },
    });
    expect(order.status).to.equal(201);
    await app.request('GET', '/api/orders/', { token: access });
    await app.request('GET', '/api/orders/', { token: `${access}x` }); // a forged token
    const rotated = await app.request('POST', '/api/auth/refresh/', { body: { refresh } });
    expect(rotated.status).to.equal(200);
    await app.request('POST', '/api/auth/refresh/', { body: { refresh } }); // reuse: revoked
    await app.request('POST', '/api/auth/logout/', {
      token: (rotated.body as { access: string }).access,
      body: { refresh: (rotated.body as { refresh: string }).refresh },
    });

    const text = captured.text();
    expect(captured.lines().length).to.be.greaterThan(10); // the flows were logged at all
    expect(captured.lines().some((l) => String(l.msg).startsWith('sms'))).to.equal(true);
    const digits = (phone: string) => phone.replace(/\D/g, '');
    for (const phone of [testPhone, realPhone]) {
      expect(text).to.not.include(digits(phone));
      expect(text).to.not.include(digits(phone).slice(1)); // without the country code
    }
    expect(text).to.not.include(testCode);
    expect(text).to.not.include('eyJ'); // the start of every JWT
    for (const token of [access, refresh, rotated.body.access, rotated.body.refresh]) {
      expect(text).to.not.include(String(token).slice(-16));
    }
  });
});
