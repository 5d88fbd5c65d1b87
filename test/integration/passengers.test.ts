import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import {
  createDriver,
  createPassenger,
  createRegion,
  createUser,
  tokenFor,
} from '../helpers/factories.js';
import { createOrderIn } from '../helpers/dispatch-fixtures.js';

describe('passengers', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  let dispatcher: string;
  let driver: string;
  let alice: { token: string; id: number; userId: number };
  let bob: { token: string; id: number };

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    await createRegion(deps, { id: 'atyrau_center' });
    await createRegion(deps, { id: 'avangard' });
    const adminUser = await createUser(deps, 'admin');
    admin = await tokenFor(deps, adminUser);
    dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
    driver = await tokenFor(deps, (await createDriver(deps, 'atyrau_center')).user);
    const a = await createPassenger(deps, 'atyrau_center', { phone: '+77011234567' });
    alice = { token: await tokenFor(deps, a.user), id: a.passenger.id, userId: a.user.id };
    const b = await createPassenger(deps, 'avangard');
    bob = { token: await tokenFor(deps, b.user), id: b.passenger.id };
  });

  describe('reads', () => {
    it('when staff list passengers, then all come paginated with is_active', async () => {
      const res = await app.request('GET', '/api/passengers/?page_size=1', { token: dispatcher });
      expect(res.status).to.equal(200);
      expect(res.body.count).to.equal(2);
      expect(res.body.results).to.have.length(1);
      expect(res.body.results[0]).to.include({ id: alice.id, is_active: true });
      expect(res.body.results[0].user).to.include({ phone: '+77011234567' });
      expect(res.body.next).to.contain('page=2');
    });

    it('when staff filter by a phone in local spelling, then it is normalised like login', async () => {
      const res = await app.request(
        'GET',
        `/api/passengers/?phone=${encodeURIComponent('8 (701) 123-45-67')}`,
        { token: dispatcher },
      );
      expect(res.body.count).to.equal(1);
      expect(res.body.results[0].id).to.equal(alice.id);
      const bad = await app.request('GET', '/api/passengers/?phone=abc', { token: dispatcher });
      expect(bad.status).to.equal(400);
      expect(bad.body.fields).to.have.property('phone');
    });

    it('when staff filter by region, then only that region comes', async () => {
      const res = await app.request('GET', '/api/passengers/?region_id=avangard', {
        token: admin,
      });
      expect(res.body.results.map((p: { id: number }) => p.id)).to.deep.equal([bob.id]);
    });

    it('when a passenger or a driver lists passengers, then 403; anonymous 401', async () => {
      for (const token of [alice.token, driver]) {
        expect((await app.request('GET', '/api/passengers/', { token })).status).to.equal(403);
      }
      expect((await app.request('GET', '/api/passengers/')).status).to.equal(401);
    });

    it('when a passenger reads themself, then 200; another passenger, then 404', async () => {
      const own = await app.request('GET', `/api/passengers/${alice.id}/`, { token: alice.token });
      expect(own.status).to.equal(200);
      expect(own.body).to.not.have.property('is_active');
      expect(own.body.region.id).to.equal('atyrau_center');
      const other = await app.request('GET', `/api/passengers/${bob.id}/`, { token: alice.token });
      expect(other.status).to.equal(404);
      const missing = await app.request('GET', '/api/passengers/999999/', { token: dispatcher });
      expect(missing.status).to.equal(404);
      const junk = await app.request('GET', '/api/passengers/abc/', { token: dispatcher });
      expect(junk.status).to.equal(404);
    });

    it('when a driver reads a passenger, then 403', async () => {
      const res = await app.request('GET', `/api/passengers/${alice.id}/`, { token: driver });
      expect(res.status).to.equal(403);
    });

    it('when a passenger reads me/, then their own profile in the contract shape', async () => {
      const res = await app.request('GET', '/api/passengers/me/', { token: bob.token });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.keys(
        'id',
        'user',
        'full_name',
        'region',
        'disability_category',
        'allowed_companion',
        'mobility_aid',
      );
      expect(res.body.id).to.equal(bob.id);
    });

    it('when a login user without a profile reads me/, then 403 profile_required', async () => {
      const bare = await tokenFor(deps, await createUser(deps, 'passenger'));
      const res = await app.request('GET', '/api/passengers/me/', { token: bare });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal('profile_required');
    });
  });

  describe('own profile edits', () => {
    it('when a passenger edits allowed fields, then they are kept and audited', async () => {
      const res = await app.request('PATCH', '/api/passengers/me/', {
        token: alice.token,
        body: {
          full_name: 'Алия Н.',
          region_id: 'avangard',
          mobility_aid: 'wheelchair',
          allowed_companion: false,
          disability_category: 'I группа',
        },
      });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ full_name: 'Алия Н.', mobility_aid: 'wheelchair' });
      expect(res.body.region.id).to.equal('avangard');
      const audit = await deps.db
        .knex('audit_log')
        .where({ entity_type: 'passenger', action: 'update' })
        .first();
      expect(audit).to.include({ action: 'update', entity_id: String(alice.id) });
      expect(audit.actor_user_id).to.equal(alice.userId);
    });

    const refused: [string, Record<string, unknown>, string][] = [
      ['status', { status: 'vip' }, 'status'],
      ['is_active', { is_active: false }, 'is_active'],
      ['user phone', { phone: '+77011111111' }, 'phone'],
      ['an unknown aid', { mobility_aid: 'scooter' }, 'mobility_aid'],
      ['a string boolean', { allowed_companion: 'false' }, 'allowed_companion'],
      ['a missing region', { region_id: 'atlantis' }, 'region_id'],
    ];
    for (const [what, body, field] of refused) {
      it(`when a passenger sends ${what}, then 400 on ${field}`, async () => {
        const res = await app.request('PATCH', '/api/passengers/me/', { token: alice.token, body });
        expect(res.status).to.equal(400);
        expect(res.body.fields).to.have.property(field);
      });
    }
  });

  describe('back office', () => {
    const newPassenger = {
      phone: '+7 (702) 555-44-33',
      full_name: 'Новый Пассажир',
      region_id: 'avangard',
      disability_category: 'III группа',
      mobility_aid: 'cane_or_walker',
    };

    it('when an admin creates a passenger, then their user exists and can be read', async () => {
      const res = await app.request('POST', '/api/passengers/', {
        token: admin,
        body: newPassenger,
      });
      expect(res.status).to.equal(201);
      expect(res.body.user).to.include({ phone: '+77025554433', role: 'passenger' });
      expect(res.body).to.include({ allowed_companion: false, is_active: true });
      const user = await deps.db.knex('users').where({ phone: '+77025554433' }).first();
      expect(user.is_active).to.equal(true);
      const audit = await deps.db
        .knex('audit_log')
        .where({ entity_type: 'passenger', entity_id: String(res.body.id) });
      expect(audit).to.have.length(1);
      const again = await app.request('POST', '/api/passengers/', {
        token: admin,
        body: newPassenger,
      });
      expect(again.status).to.equal(409);
    });

    it('when an admin creates a passenger, then that person logs in by OTP with a profile', async () => {
      // +77777777777 is a configured test number (code 111111) in the test environment.
      const created = await app.request('POST', '/api/passengers/', {
        token: admin,
        body: { ...newPassenger, phone: '+7 777 777 77 77' },
      });
      expect(created.status).to.equal(201);
      await app.request('POST', '/api/auth/phone-login/', { body: { phone: '87777777777' } });
      const login = await app.request('POST', '/api/auth/verify-otp/', {
        body: { phone: '87777777777', code: '111111' },
      });
      expect(login.status).to.equal(200);
      expect(login.body).to.include({ has_profile: true, passenger_id: created.body.id });
    });

    it('when the phone has only logged in so far, then the profile attaches to that user', async () => {
      const bare = await createUser(deps, 'passenger', { phone: '+77025554433' });
      const res = await app.request('POST', '/api/passengers/', {
        token: admin,
        body: newPassenger,
      });
      expect(res.status).to.equal(201);
      expect(res.body.user.id).to.equal(bare.id);
    });

    it("when the phone is a driver's, then 409 on phone", async () => {
      await createDriver(deps, 'avangard', { phone: '+77025554433' });
      const res = await app.request('POST', '/api/passengers/', {
        token: admin,
        body: newPassenger,
      });
      expect(res.status).to.equal(409);
      expect(res.body.fields).to.have.property('phone');
    });

    it('when a dispatcher or a passenger creates one, then 403', async () => {
      for (const token of [dispatcher, alice.token]) {
        const res = await app.request('POST', '/api/passengers/', { token, body: newPassenger });
        expect(res.status).to.equal(403);
      }
    });

    it('when an admin edits a passenger, then profile and phone change', async () => {
      const res = await app.request('PATCH', `/api/passengers/${bob.id}/`, {
        token: admin,
        body: { full_name: 'Боб', phone: '87029998877' },
      });
      expect(res.status).to.equal(200);
      expect(res.body.full_name).to.equal('Боб');
      expect(res.body.user.phone).to.equal('+77029998877');
      const taken = await app.request('PATCH', `/api/passengers/${bob.id}/`, {
        token: admin,
        body: { phone: '+77011234567' },
      });
      expect(taken.status).to.equal(409);
    });

    it('when an admin deactivates a passenger, then profile and login stop', async () => {
      const res = await app.request('DELETE', `/api/passengers/${alice.id}/`, { token: admin });
      expect(res.status).to.equal(204);
      const row = await deps.db.knex('passengers').where({ id: alice.id }).first();
      expect(row.is_active).to.equal(false);
      const user = await deps.db.knex('users').where({ id: alice.userId }).first();
      expect(user.is_active).to.equal(false);
      const me = await app.request('GET', '/api/passengers/me/', { token: alice.token });
      expect(me.status).to.equal(401);
      const list = await app.request('GET', '/api/passengers/', { token: admin });
      expect(list.body.count).to.equal(1);
      const all = await app.request('GET', '/api/passengers/?include_inactive=true', {
        token: admin,
      });
      expect(all.body.count).to.equal(2);
      const audit = await deps.db.knex('audit_log').where({ action: 'deactivate' });
      expect(audit).to.have.length(1);
    });

    it('when the passenger has an open order, then deactivating is 409 and nothing changes', async () => {
      await createOrderIn(deps, {
        id: alice.id,
        user_id: alice.userId,
        region_id: 'atyrau_center',
      });
      const res = await app.request('DELETE', `/api/passengers/${alice.id}/`, { token: admin });
      expect(res.status).to.equal(409);
      expect(res.body.reason).to.equal('open_order');
      const row = await deps.db.knex('passengers').where({ id: alice.id }).first();
      expect(row.is_active).to.equal(true);
    });

    it('when a deactivated passenger is reactivated, then their user is active again', async () => {
      await app.request('DELETE', `/api/passengers/${alice.id}/`, { token: admin });
      const res = await app.request('PATCH', `/api/passengers/${alice.id}/`, {
        token: admin,
        body: { is_active: true },
      });
      expect(res.status).to.equal(200);
      const user = await deps.db.knex('users').where({ id: alice.userId }).first();
      expect(user.is_active).to.equal(true);
    });

    it('when PATCH tries is_active false, then 400 (DELETE deactivates)', async () => {
      const res = await app.request('PATCH', `/api/passengers/${alice.id}/`, {
        token: admin,
        body: { is_active: false },
      });
      expect(res.status).to.equal(400);
    });
  });
});
