import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import type { Clock } from '../../lib/clock/clock.js';
import { openSmsPayload } from '../../lib/sms/sms-crypto.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, closeTestApp, openTestApp } from '../helpers/test-app.js';
import { createDriver, createPassenger, createRegion, createUser } from '../helpers/factories.js';

/** A clock the test can move forward. */
const movableClock = () => {
  let offsetMs = 0;
  const clock: Clock & { advanceSeconds(s: number): void } = {
    now: () => new Date(Date.now() + offsetMs),
    advanceSeconds: (s) => {
      offsetMs += s * 1000;
    },
  };
  return clock;
};

describe('auth: phone login, tokens, logout, passenger sign-up', () => {
  let deps: AppDeps;
  let app: TestApp;
  let clock: ReturnType<typeof movableClock>;

  before(async () => {
    clock = movableClock();
    // A roomy per-phone limit here; the limits themselves are tested with their own app.
    ({ deps, app } = await openTestApp({ OTP_MAX_REQUESTS_PER_PHONE_HOUR: '10' }, clock));
  });
  beforeEach(async () => {
    await resetState(deps);
  });
  after(async () => {
    await closeTestApp(deps, app);
  });

  const post = (path: string, body?: unknown, token?: string) =>
    app.request('POST', `/api/auth/${path}`, { body, token });

  /** The code as the user would read it: from the (sealed) SMS queued for them. */
  async function codeSentTo(phone: string): Promise<string> {
    const row = await deps.db.knex('sms_messages').orderBy('id', 'desc').first();
    const payload = openSmsPayload(deps.config.jwt.secret, row.payload_encrypted);
    expect(payload.phone).to.equal(phone);
    return /\d{6}/.exec(payload.text)![0];
  }

  /** Logs in through the SMS code; `e164` is the phone as normalised, when spelled otherwise. */
  async function login(phone: string, e164 = phone) {
    const requested = await post('phone-login/', { phone });
    expect(requested.status).to.equal(200);
    const code = await codeSentTo(e164);
    const res = await post('verify-otp/', { phone, code });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  describe('phone-login', () => {
    it('when a local spelling is sent, then one hashed code and one sealed SMS job are stored for the E.164 phone', async () => {
      const res = await post('phone-login/', { phone: '8 (701) 555-12-34' });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.keys(['message', 'expires_at', 'expires_in_seconds']);
      expect(res.body.expires_in_seconds).to.equal(300);
      const expiresAt = new Date(res.body.expires_at).getTime();
      expect(expiresAt - clock.now().getTime()).to.be.within(298_000, 301_000);

      const codes = await deps.db.knex('otp_codes');
      expect(codes).to.have.length(1);
      expect(codes[0].phone).to.equal('+77015551234');
      const code = await codeSentTo('+77015551234');
      expect(codes[0].code_hash).not.to.include(code);

      const sms = await deps.db.knex('sms_messages');
      expect(sms).to.have.length(1);
      expect(sms[0]).to.include({ status: 'pending', phone_masked: '+7701*****34' });
      expect(sms[0].payload_encrypted).not.to.include('7015551234');
      const outbox = await deps.db.knex('outbox_messages').where({ topic: 'sms.send' });
      expect(outbox).to.have.length(1);
      expect(outbox[0].payload).to.deep.equal({ sms_message_id: sms[0].id });
    });

    it('when a code is asked for again, then the new code replaces the old one', async () => {
      const phone = '+77015551234';
      await post('phone-login/', { phone });
      const first = await codeSentTo(phone);
      await post('phone-login/', { phone: '87015551234' });
      const second = await codeSentTo(phone);
      expect(await deps.db.knex('otp_codes')).to.have.length(1);
      if (first !== second) {
        const old = await post('verify-otp/', { phone, code: first });
        expect(old.status).to.equal(400);
        expect(old.body.code).to.equal('invalid_code');
      }
      const res = await post('verify-otp/', { phone, code: second });
      expect(res.status).to.equal(200);
    });

    it('when a test number asks, then no code and no SMS are stored', async () => {
      const res = await post('phone-login/', { phone: '+7 777 777 77 77' });
      expect(res.status).to.equal(200);
      expect(await deps.db.knex('otp_codes')).to.have.length(0);
      expect(await deps.db.knex('sms_messages')).to.have.length(0);
      expect(await deps.db.knex('outbox_messages')).to.have.length(0);
    });

    const badBodies: [string, unknown, string][] = [
      ['no phone', {}, 'phone'],
      ['a number for the phone', { phone: 77015551234 }, 'phone'],
      ['an unknown field', { phone: '+77015551234', role: 'admin' }, 'role'],
      ['a phone that does not exist', { phone: '12345' }, 'phone'],
      ['a landline', { phone: '+7 7122 12 34 56' }, 'phone'],
      ['letters in the phone', { phone: '+7701555abcd' }, 'phone'],
    ];
    for (const [name, body, field] of badBodies) {
      it(`when the body has ${name}, then 400 names ${field}`, async () => {
        const res = await post('phone-login/', body);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('validation_failed');
        expect(res.body.error).to.be.a('string');
        expect(res.body.fields).to.have.property(field);
        expect(await deps.db.knex('sms_messages')).to.have.length(0);
      });
    }

    it('when the body is not JSON, then 400 in the contract shape', async () => {
      const res = await app.request('POST', '/api/auth/phone-login/', { rawBody: '{phone' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
    });
  });

  describe('verify-otp', () => {
    it('when an unknown phone logs in, then it becomes a passenger user without a profile', async () => {
      const body = await login('+77015551234');
      expect(body).to.include({ role: 'passenger', is_new_user: true, has_profile: false });
      expect(body.access).to.be.a('string');
      expect(body.refresh).to.be.a('string');
      expect(body.user).to.deep.include({ phone: '+77015551234', username: '+77015551234' });
      expect(body).not.to.have.any.keys('passenger', 'passenger_id', 'driver', 'driver_id');
      expect(await deps.db.knex('otp_codes')).to.have.length(0);

      const again = await login('+77015551234');
      expect(again).to.include({ is_new_user: false });
      expect(again.user.id).to.equal(body.user.id);
    });

    it('when a passenger with a profile logs in, then the profile comes with the tokens', async () => {
      const region = await createRegion(deps);
      const { passenger } = await createPassenger(deps, region.id, { phone: '+77015550001' });
      const body = await login('8 701 555 00 01', '+77015550001');
      expect(body).to.include({ role: 'passenger', is_new_user: false, has_profile: true });
      expect(body.passenger_id).to.equal(passenger.id);
      expect(body.passenger).to.deep.include({ id: passenger.id });
      expect(body.passenger.region.id).to.equal(region.id);
      expect(body.passenger.user.phone).to.equal('+77015550001');
    });

    it('when a driver logs in, then the driver profile comes with the tokens', async () => {
      const region = await createRegion(deps);
      const { driver } = await createDriver(deps, region.id, { phone: '+77015550002' });
      const body = await login('+77015550002');
      expect(body).to.include({ role: 'driver', has_profile: true, driver_id: driver.id });
      expect(body.driver).to.include({ id: driver.id, status: 'online_idle' });
      expect(body).not.to.have.any.keys('passenger', 'passenger_id');
    });

    it('when a wrong code is sent, then 400 invalid_code with the tries left', async () => {
      await post('phone-login/', { phone: '+77015551234' });
      const right = await codeSentTo('+77015551234');
      const wrong = right === '000000' ? '000001' : '000000';
      const res = await post('verify-otp/', { phone: '+77015551234', code: wrong });
      expect(res.status).to.equal(400);
      expect(res.body).to.include({ code: 'invalid_code', attempts_left: 4 });
      expect(res.body.error).to.be.a('string');
    });

    it('when 5 wrong codes are sent, then the code is dead, even the right one fails', async () => {
      const phone = '+77015551234';
      await post('phone-login/', { phone });
      const right = await codeSentTo(phone);
      const wrong = right === '000000' ? '000001' : '000000';
      const left: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await post('verify-otp/', { phone, code: wrong });
        expect(res.body.code).to.equal('invalid_code');
        left.push(res.body.attempts_left);
      }
      expect(left).to.deep.equal([4, 3, 2, 1, 0]);
      const res = await post('verify-otp/', { phone, code: right });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('code_expired');
      expect(await deps.db.knex('users')).to.have.length(0);
    });

    it('when parallel wrong guesses race, then each one is counted', async () => {
      const phone = '+77015551234';
      await post('phone-login/', { phone });
      const right = await codeSentTo(phone);
      const wrong = right === '000000' ? '000001' : '000000';
      const results = await Promise.all(
        Array.from({ length: 8 }, () => post('verify-otp/', { phone, code: wrong })),
      );
      const codes = results.map((r) => r.body.code as string).sort();
      expect(codes.filter((c) => c === 'invalid_code')).to.have.length(5);
      expect(codes.filter((c) => c === 'code_expired')).to.have.length(3);
    });

    it('when the code is older than its lifetime, then 400 code_expired', async () => {
      await post('phone-login/', { phone: '+77015551234' });
      const code = await codeSentTo('+77015551234');
      clock.advanceSeconds(301);
      const res = await post('verify-otp/', { phone: '+77015551234', code });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('code_expired');
    });

    it('when no code was asked for, then 400 code_expired', async () => {
      const res = await post('verify-otp/', { phone: '+77015551234', code: '123456' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('code_expired');
    });

    it('when a test number sends its fixed code, then it logs in; a wrong one is refused', async () => {
      const wrong = await post('verify-otp/', { phone: '87777777777', code: '222222' });
      expect(wrong.status).to.equal(400);
      expect(wrong.body.code).to.equal('invalid_code');
      expect(wrong.body).not.to.have.property('attempts_left');
      const res = await post('verify-otp/', { phone: '87777777777', code: '111111' });
      expect(res.status).to.equal(200);
      expect(res.body.user.phone).to.equal('+77777777777');
    });

    it('when a deactivated user proves the phone, then 403 and no session', async () => {
      await createUser(deps, 'passenger', { phone: '+77015551234', is_active: false });
      await post('phone-login/', { phone: '+77015551234' });
      const code = await codeSentTo('+77015551234');
      const res = await post('verify-otp/', { phone: '+77015551234', code });
      expect(res.status).to.equal(403);
      expect(res.body).to.include({ code: 'forbidden', reason: 'account_disabled' });
      expect(await deps.db.knex('auth_sessions')).to.have.length(0);
    });

    const badBodies: [string, unknown, string][] = [
      ['no code', { phone: '+77015551234' }, 'code'],
      ['a 5-digit code', { phone: '+77015551234', code: '12345' }, 'code'],
      ['a number for the code', { phone: '+77015551234', code: 123456 }, 'code'],
      ['no phone', { code: '123456' }, 'phone'],
      ['an unknown field', { phone: '+77015551234', code: '123456', role: 'admin' }, 'role'],
    ];
    for (const [name, body, field] of badBodies) {
      it(`when the body has ${name}, then 400 names ${field}`, async () => {
        const res = await post('verify-otp/', body);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('validation_failed');
        expect(res.body.fields).to.have.property(field);
      });
    }
  });

  describe('refresh and logout', () => {
    it('when a refresh token is used, then a new pair comes and both new tokens work', async () => {
      const first = await login('+77015551234');
      const res = await post('refresh/', { refresh: first.refresh });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.keys(['access', 'refresh']);
      expect(res.body.refresh).not.to.equal(first.refresh);
      const again = await post('refresh/', { refresh: res.body.refresh });
      expect(again.status).to.equal(200);
      const logout = await post('logout/', {}, again.body.access);
      expect(logout.status).to.equal(200);
    });

    it('when a spent refresh token is reused, then the whole session is revoked', async () => {
      const first = await login('+77015551234');
      const rotated = await post('refresh/', { refresh: first.refresh });
      expect(rotated.status).to.equal(200);

      const reuse = await post('refresh/', { refresh: first.refresh });
      expect(reuse.status).to.equal(401);
      expect(reuse.body.code).to.equal('token_revoked');

      const newest = await post('refresh/', { refresh: rotated.body.refresh });
      expect(newest.status).to.equal(401);
      for (const access of [first.access, rotated.body.access]) {
        const res = await post('logout/', {}, access);
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal('token_revoked');
      }
    });

    it('when another session of the user exists, then reuse in one does not revoke the other', async () => {
      const a = await login('+77015551234');
      const b = await login('+77015551234');
      await post('refresh/', { refresh: a.refresh });
      await post('refresh/', { refresh: a.refresh });
      const other = await post('refresh/', { refresh: b.refresh });
      expect(other.status).to.equal(200);
    });

    it('when the refresh token has outlived its lifetime, then 401', async () => {
      const first = await login('+77015551234');
      clock.advanceSeconds(7 * 24 * 3600 + 1);
      const res = await post('refresh/', { refresh: first.refresh });
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('invalid_token');
    });

    it('when the refresh token is forged or is an access token, then 401 invalid_token', async () => {
      const first = await login('+77015551234');
      for (const refresh of ['not-a-token', first.access, `${first.refresh.slice(0, -2)}xx`]) {
        const res = await post('refresh/', { refresh });
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal('invalid_token');
      }
    });

    it('when the refresh body is wrong, then 400', async () => {
      for (const body of [{}, { refresh: 42 }, { refresh: 'x', access: 'y' }]) {
        const res = await post('refresh/', body);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('validation_failed');
      }
    });

    it('when the user logs out, then the access and the refresh token stop at once', async () => {
      const first = await login('+77015551234');
      const res = await post('logout/', { refresh: first.refresh }, first.access);
      expect(res.status).to.equal(200);
      expect(res.body.message).to.be.a('string');
      const access = await post('logout/', {}, first.access);
      expect(access.status).to.equal(401);
      const refresh = await post('refresh/', { refresh: first.refresh });
      expect(refresh.status).to.equal(401);
    });

    it('when the user logs out without a body, then the session ends all the same', async () => {
      const first = await login('+77015551234');
      const res = await app.request('POST', '/api/auth/logout', { token: first.access });
      expect(res.status).to.equal(200);
      expect((await post('refresh/', { refresh: first.refresh })).status).to.equal(401);
    });

    it("when logout carries another user's refresh token, then that session survives", async () => {
      const mine = await login('+77015551234');
      const theirs = await login('+77015555678');
      const res = await post('logout/', { refresh: theirs.refresh }, mine.access);
      expect(res.status).to.equal(200);
      expect((await post('refresh/', { refresh: theirs.refresh })).status).to.equal(200);
    });

    it('when logout has no token, then 401', async () => {
      const res = await post('logout/', {});
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('unauthorized');
    });

    it('when the user is deactivated, then refresh is refused', async () => {
      const first = await login('+77015551234');
      // No use case deactivates a login without a profile (the back office deactivates
      // profiles and staff): the state an import or a data fix can leave.
      await deps.db.knex('users').update({ is_active: false });
      const res = await post('refresh/', { refresh: first.refresh });
      expect(res.status).to.equal(401);
    });
  });

  describe('register-passenger', () => {
    const profile = (regionId: string) => ({
      full_name: '  Айгуль Сериковна  ',
      region_id: regionId,
      disability_category: 'I группа',
      allowed_companion: true,
      mobility_aid: 'wheelchair',
    });

    it('when a new user registers, then 201 with the profile, and the next login has it', async () => {
      const region = await createRegion(deps);
      const session = await login('+77015551234');
      const res = await post('register-passenger/', profile(region.id), session.access);
      expect(res.status).to.equal(201);
      expect(res.body.passenger).to.deep.include({
        full_name: 'Айгуль Сериковна',
        disability_category: 'I группа',
        allowed_companion: true,
        mobility_aid: 'wheelchair',
      });
      expect(res.body.passenger.region.id).to.equal(region.id);
      expect(res.body.passenger.user.phone).to.equal('+77015551234');

      const next = await login('+77015551234');
      expect(next).to.include({ has_profile: true, passenger_id: res.body.passenger.id });
    });

    it('when optional fields are left out, then they default to no companion and no aid', async () => {
      const region = await createRegion(deps);
      const session = await login('+77015551234');
      const res = await post(
        'register-passenger/',
        { full_name: 'Ерлан', region_id: region.id, disability_category: 'III группа' },
        session.access,
      );
      expect(res.status).to.equal(201);
      expect(res.body.passenger).to.include({ allowed_companion: false, mobility_aid: 'none' });
    });

    it('when the profile already exists, then 409 profile_exists', async () => {
      const region = await createRegion(deps);
      const session = await login('+77015551234');
      await post('register-passenger/', profile(region.id), session.access);
      const res = await post('register-passenger/', profile(region.id), session.access);
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('profile_exists');
    });

    it('when the region is unknown, then 400 names region_id', async () => {
      const session = await login('+77015551234');
      const res = await post('register-passenger/', profile('nowhere'), session.access);
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.have.property('region_id');
    });

    it('when the input is wrong, then 400 names the field', async () => {
      const region = await createRegion(deps);
      const session = await login('+77015551234');
      const cases: [Record<string, unknown>, string][] = [
        [{ allowed_companion: 'false' }, 'allowed_companion'],
        [{ disability_category: 'IV группа' }, 'disability_category'],
        [{ mobility_aid: 'scooter' }, 'mobility_aid'],
        [{ full_name: '   ' }, 'full_name'],
        [{ status: 'vip' }, 'status'],
      ];
      for (const [change, field] of cases) {
        const res = await post(
          'register-passenger/',
          { ...profile(region.id), ...change },
          session.access,
        );
        expect(res.status, field).to.equal(400);
        expect(res.body.fields, field).to.have.property(field);
      }
    });

    it('when a driver or nobody calls, then 403 or 401', async () => {
      const region = await createRegion(deps);
      await createDriver(deps, region.id, { phone: '+77015550002' });
      const driver = await login('+77015550002');
      const asDriver = await post('register-passenger/', profile(region.id), driver.access);
      expect(asDriver.status).to.equal(403);
      const anonymous = await post('register-passenger/', profile(region.id));
      expect(anonymous.status).to.equal(401);
    });
  });
});

describe('auth: OTP rate limits', () => {
  let deps: AppDeps;
  let app: TestApp;

  before(async () => {
    ({ deps, app } = await openTestApp({
      OTP_MAX_REQUESTS_PER_PHONE_HOUR: '3',
      OTP_MAX_REQUESTS_PER_IP_HOUR: '5',
    }));
  });
  beforeEach(async () => {
    await resetState(deps);
  });
  after(async () => {
    await closeTestApp(deps, app);
  });

  const post = (path: string, body: unknown) => app.request('POST', `/api/auth/${path}`, { body });

  it('when a phone asks too often, then 429 with retry_after_seconds, other phones still pass', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await post('phone-login/', { phone: '+77015551234' })).status).to.equal(200);
    }
    const res = await post('phone-login/', { phone: '8 701 555 12 34' });
    expect(res.status).to.equal(429);
    expect(res.body.code).to.equal('rate_limited');
    expect(res.body.error).to.be.a('string');
    expect(res.body.retry_after_seconds).to.be.within(3500, 3600);
    expect(res.headers.get('retry-after')).to.equal(String(res.body.retry_after_seconds));
    expect(await deps.db.knex('sms_messages')).to.have.length(3);
    expect((await post('phone-login/', { phone: '+77015555678' })).status).to.equal(200);
  });

  it('when one address asks for many phones, then 429 after the per-IP limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await post('phone-login/', { phone: `+7701555000${i}` })).status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
  });

  it('when one address keeps trying codes, then verify-otp answers 429 too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await post('verify-otp/', { phone: '+77015551234', code: '123456' })).status);
    }
    // The per-IP limit (5 here); the per-phone-and-client backoff is in otp-lockout.test.ts.
    expect(statuses).to.deep.equal([400, 400, 400, 400, 400, 429]);
    const last = await post('verify-otp/', { phone: '+77015551234', code: '123456' });
    expect(last.body.retry_after_seconds).to.be.a('number');
  });

  it('when the limit keys are read, then they live under the prefix and hold no phone', async () => {
    await post('phone-login/', { phone: '+77015551234' });
    const keys = await deps.redis.keys(`${deps.config.redis.prefix}:rl:*`);
    expect(keys.length).to.be.greaterThan(0);
    for (const key of keys) expect(key).not.to.include('7015551234');
  });
});
