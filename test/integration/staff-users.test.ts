import { expect } from 'chai';
import type { AppDeps } from '../../lib/deps.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { createDriver, createRegion, createUser, tokenFor } from '../helpers/factories.js';
import { ensureStaffUser } from '../../lib/users/manage-staff-users.js';
import { countRows } from '../helpers/count-rows.js';

describe('staff accounts and the audit trail', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: { token: string; id: number };
  let dispatcher: { token: string; id: number };
  let passenger: string;

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    const a = await createUser(deps, 'admin');
    admin = { token: await tokenFor(deps, a), id: a.id };
    const d = await createUser(deps, 'dispatcher');
    dispatcher = { token: await tokenFor(deps, d), id: d.id };
    passenger = await tokenFor(deps, await createUser(deps, 'passenger'));
  });

  it('when an admin creates a dispatcher, then the account is listed and audited', async () => {
    const res = await app.request('POST', '/api/users/', {
      token: admin.token,
      body: { phone: '+7 (700) 123-45-67', role: 'dispatcher', email: 'ops@invo.kz' },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ phone: '+77001234567', role: 'dispatcher', is_active: true });
    const list = await app.request('GET', '/api/users/?role=dispatcher', {
      token: dispatcher.token,
    });
    expect(list.status).to.equal(200);
    expect(list.body.count).to.equal(2);
    const audit = await app.request(
      'GET',
      `/api/audit/?entity_type=user&entity_id=${res.body.id}`,
      {
        token: dispatcher.token,
      },
    );
    expect(audit.body.count).to.equal(1);
    expect(audit.body.results[0]).to.include({
      action: 'create',
      entity_type: 'user',
      actor_user_id: admin.id,
    });
    expect(audit.body.results[0].changes).to.deep.equal({
      role: 'dispatcher',
      email: 'ops@invo.kz',
    });
  });

  it('when the phone is taken or the role is not staff, then 409 or 400', async () => {
    const body = { phone: '+77001234567', role: 'dispatcher' };
    await app.request('POST', '/api/users/', { token: admin.token, body });
    expect(
      (await app.request('POST', '/api/users/', { token: admin.token, body })).status,
    ).to.equal(409);
    const driverRole = await app.request('POST', '/api/users/', {
      token: admin.token,
      body: { phone: '+77001234500', role: 'driver' },
    });
    expect(driverRole.status).to.equal(400);
    expect(driverRole.body.fields).to.have.property('role');
  });

  it('when the phone belongs to a driver, then 409 and the driver stays a driver', async () => {
    await createRegion(deps, { id: 'atyrau_center' });
    const { user } = await createDriver(deps, 'atyrau_center', { phone: '+77001234511' });
    const res = await app.request('POST', '/api/users/', {
      token: admin.token,
      body: { phone: '+77001234511', role: 'admin' },
    });
    expect(res.status).to.equal(409);
    const row = await deps.db.knex('users').where({ id: user.id }).first();
    expect(row.role).to.equal('driver');
  });

  it('when a dispatcher writes staff accounts, then 403; passengers cannot read', async () => {
    const res = await app.request('POST', '/api/users/', {
      token: dispatcher.token,
      body: { phone: '+77001234567', role: 'admin' },
    });
    expect(res.status).to.equal(403);
    expect((await app.request('GET', '/api/users/', { token: passenger })).status).to.equal(403);
    expect((await app.request('GET', '/api/audit/', { token: passenger })).status).to.equal(403);
    expect((await app.request('GET', '/api/audit/')).status).to.equal(401);
  });

  it('when an admin promotes and then deactivates a dispatcher, then their token dies', async () => {
    const promote = await app.request('PATCH', `/api/users/${dispatcher.id}/`, {
      token: admin.token,
      body: { role: 'admin' },
    });
    expect(promote.status).to.equal(200);
    expect(promote.body.role).to.equal('admin');
    const off = await app.request('DELETE', `/api/users/${dispatcher.id}/`, {
      token: admin.token,
    });
    expect(off.status).to.equal(204);
    expect((await app.request('GET', '/api/users/', { token: dispatcher.token })).status).to.equal(
      401,
    );
    const audit = await app.request('GET', `/api/audit/?actor_user_id=${admin.id}`, {
      token: admin.token,
    });
    expect(audit.body.results.map((r: { action: string }) => r.action)).to.deep.equal([
      'deactivate',
      'update',
    ]);
  });

  it('when the last admin would be demoted or deactivated, then 409', async () => {
    const audited = await countRows(deps.db.knex('audit_log'));
    const demote = await app.request('PATCH', `/api/users/${admin.id}/`, {
      token: admin.token,
      body: { role: 'dispatcher' },
    });
    expect(demote.status).to.equal(409);
    const off = await app.request('DELETE', `/api/users/${admin.id}/`, { token: admin.token });
    expect(off.status).to.equal(409);
    const row = await deps.db.knex('users').where({ id: admin.id }).first();
    expect(row).to.include({ role: 'admin', is_active: true });
    expect(await countRows(deps.db.knex('audit_log'))).to.equal(audited);
  });

  it('when a non-staff id is asked under /api/users/, then 404', async () => {
    const p = await createUser(deps, 'passenger');
    expect(
      (await app.request('GET', `/api/users/${p.id}/`, { token: admin.token })).status,
    ).to.equal(404);
  });

  it('when the audit list is paged, then newest first with links', async () => {
    const audited = await countRows(deps.db.knex('audit_log'));
    for (const n of [1, 2, 3]) {
      await app.request('POST', '/api/users/', {
        token: admin.token,
        body: { phone: `+7700123456${n}`, role: 'dispatcher' },
      });
    }
    const res = await app.request('GET', '/api/audit/?page_size=2', { token: admin.token });
    expect(res.body.count).to.equal(audited + 3);
    expect(res.body.results).to.have.length(2);
    expect(res.body.results[0].id).to.be.greaterThan(res.body.results[1].id);
    expect(res.body.next).to.contain('page=2');
    const bad = await app.request('GET', '/api/audit/?entity_type=order', { token: admin.token });
    expect(bad.status).to.equal(400);
  });

  it('when user:create runs twice for one phone, then one account and one audit row', async () => {
    const first = await ensureStaffUser(deps, { phone: '8 700 555 00 11', role: 'admin' });
    expect(first.outcome).to.equal('created');
    expect(first.user).to.include({ phone: '+77005550011', role: 'admin' });
    const again = await ensureStaffUser(deps, { phone: '+7 700 555 00 11', role: 'admin' });
    expect(again).to.deep.include({ outcome: 'unchanged' });
    expect(again.user.id).to.equal(first.user.id);
    const rows = await deps.db.knex('users').where({ phone: '+77005550011' });
    expect(rows).to.have.length(1);
    const audit = await deps.db.knex('audit_log').where({ entity_id: String(first.user.id) });
    expect(audit).to.have.length(1);
    expect(audit[0].actor_user_id).to.equal(null);
  });

  it('when user:create names a bare login or another staff role, then it promotes or switches', async () => {
    const bare = await createUser(deps, 'passenger', { phone: '+77005550012' });
    const promoted = await ensureStaffUser(deps, { phone: '+77005550012', role: 'dispatcher' });
    expect(promoted.outcome).to.equal('promoted');
    expect(promoted.user.id).to.equal(bare.id);
    const switched = await ensureStaffUser(deps, { phone: '+77005550012', role: 'admin' });
    expect(switched.outcome).to.equal('role_changed');
  });
});
