/**
 * Issue 9, item 11: a stranger must not be able to lock a passenger out of login, while
 * brute force stays impossible. Strangers come from other client addresses (X-Forwarded-For
 * behind TRUST_PROXY=true).
 */
import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { openSmsPayload } from '../../lib/sms/sms-crypto.js';
import { closeTestApp, openTestApp, type TestApp } from '../helpers/test-app.js';
import { resetState } from '../helpers/test-deps.js';

const victimPhone = '+77015551234';
const victimIp = '10.0.0.1';

describe('OTP: no lockout by strangers, no brute force (issue 9)', () => {
  let deps: AppDeps;
  let app: TestApp;
  before(async () => {
    ({ deps, app } = await openTestApp({
      TRUST_PROXY: 'true',
      OTP_MAX_ATTEMPTS: '5',
      OTP_MAX_REQUESTS_PER_PHONE_HOUR: '5',
      OTP_PHONE_CEILING_PER_HOUR: '8',
      RATE_LIMIT_IP_WRITES_PER_MINUTE: '0',
    }));
  });
  beforeEach(() => resetState(deps));
  after(() => closeTestApp(deps, app));

  const post = (path: string, body: unknown, ip: string) =>
    app.request('POST', `/api/auth/${path}`, { body, headers: { 'x-forwarded-for': ip } });

  async function lastCodeSent(): Promise<string> {
    const row = await deps.db.knex('sms_messages').orderBy('id', 'desc').first();
    const payload = openSmsPayload(deps.config.jwt.secret, row.payload_encrypted);
    return /\d{6}/.exec(payload.text)![0];
  }

  it('when a stranger asks for codes for the phone until refused, then the owner still gets one', async () => {
    const strangerStatuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      strangerStatuses.push(
        (await post('phone-login/', { phone: victimPhone }, '203.0.113.9')).status,
      );
    }
    expect(strangerStatuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
    const own = await post('phone-login/', { phone: victimPhone }, victimIp);
    expect(own.status).to.equal(200);
    const code = await lastCodeSent();
    expect((await post('verify-otp/', { phone: victimPhone, code }, victimIp)).status).to.equal(
      200,
    );
  });

  it('when a stranger sends wrong codes for the phone, then the stranger is slowed down and the owner logs in', async () => {
    await post('phone-login/', { phone: victimPhone }, victimIp);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      statuses.push(
        (await post('verify-otp/', { phone: victimPhone, code: '000000' }, '203.0.113.9')).status,
      );
    }
    // As many tries as one code allows and one more, then a growing wait for that client.
    expect(statuses).to.deep.equal([400, 400, 400, 400, 400, 400, 429]);
    // The owner's verify is not limited by the stranger's failures, and their own request
    // budget gives them a new code if the stranger killed the old one.
    const own = await post('phone-login/', { phone: victimPhone }, victimIp);
    expect(own.status).to.equal(200);
    const code = await lastCodeSent();
    const login = await post('verify-otp/', { phone: victimPhone, code }, victimIp);
    expect(login.status, JSON.stringify(login.body)).to.equal(200);
  });

  it('when strangers from many addresses spend the per-phone ceiling, then a known device still refreshes its session', async () => {
    await post('phone-login/', { phone: victimPhone }, victimIp);
    const login = await post(
      'verify-otp/',
      { phone: victimPhone, code: await lastCodeSent() },
      victimIp,
    );
    expect(login.status).to.equal(200);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      statuses.push((await post('phone-login/', { phone: victimPhone }, `198.51.100.${i}`)).status);
    }
    // The per-phone ceiling (8 here) bounds the SMS a phone can be sent per hour.
    expect(statuses.filter((s) => s === 200)).to.have.length(7);
    expect(statuses.slice(-1)).to.deep.equal([429]);
    const refreshed = await post('refresh/', { refresh: login.body.refresh }, victimIp);
    expect(refreshed.status).to.equal(200);
  });

  it('when a code is guessed from many addresses, then it dies after OTP_MAX_ATTEMPTS wrong tries', async () => {
    await post('phone-login/', { phone: victimPhone }, victimIp);
    const code = await lastCodeSent();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i += 1) {
      expect(
        (await post('verify-otp/', { phone: victimPhone, code: wrong }, `192.0.2.${i}`)).status,
      ).to.equal(400);
    }
    const late = await post('verify-otp/', { phone: victimPhone, code }, '192.0.2.99');
    expect(late.status).to.equal(400);
    expect(late.body.code).to.equal('code_expired');
  });
});
