import { expect } from 'chai';
import writeXlsxFile from 'write-excel-file/node';
import type { AppDeps } from '../../lib/deps.js';
import { parseCsv } from '../../lib/imports/spreadsheet-file.js';
import { resetState } from '../helpers/test-deps.js';
import { type TestApp, openTestApp, closeTestApp } from '../helpers/test-app.js';
import { updateStaffUser } from '../../lib/users/manage-staff-users.js';
import { createRegion, createUser, fixtureAdmin, tokenFor } from '../helpers/factories.js';

const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('spreadsheet import of drivers and passengers', () => {
  let deps: AppDeps;
  let app: TestApp;
  let admin: string;
  let adminId: number;
  let dispatcher: string;

  before(async () => {
    ({ deps, app } = await openTestApp());
  });
  after(() => closeTestApp(deps, app));
  beforeEach(async () => {
    await resetState(deps);
    await createRegion(deps, { id: 'atyrau_center' });
    const a = await createUser(deps, 'admin');
    await updateStaffUser(deps, (await fixtureAdmin(deps)).actor, {
      id: a.id,
      changes: { full_name: 'Yerzhan Admin' },
    });
    adminId = a.id;
    admin = await tokenFor(deps, a);
    dispatcher = await tokenFor(deps, await createUser(deps, 'dispatcher'));
  });

  const upload = async (path: string, file: Buffer | string, type: string, token = admin) => {
    const res = await fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type, 'accept-language': 'en' },
      body: typeof file === 'string' ? file : new Uint8Array(file),
    });
    return { status: res.status, body: await res.json() };
  };

  const drivers = [
    'phone,name,region_id,car_model,plate_number,capacity,wheelchair_accessible',
    '+77051110001,Asqar N.,atyrau_center,Hyundai Starex,901ABC06,4,yes',
    '+77051110002,Dana K.,nowhere,Lada Largus,902ABC06,lots,no',
    '+77051110003,Bolat T.,atyrau_center,Kia Carnival,903ABC06,6,',
  ].join('\r\n');

  it('when an admin previews a CSV with bad rows, then each bad row is named with its fields and nothing is written', async () => {
    const res = await upload('/api/imports/drivers/?dry_run=true', drivers, 'text/csv');
    expect(res.status).to.equal(200);
    expect(res.body).to.include({
      kind: 'drivers',
      dry_run: true,
      total_rows: 3,
      valid_rows: 2,
      imported: 0,
    });
    expect(res.body.errors).to.have.length(1);
    expect(res.body.errors[0].row).to.equal(3);
    expect(res.body.errors[0].code).to.equal('validation_failed');
    expect(Object.keys(res.body.errors[0].fields)).to.include('capacity');
    expect(await deps.db.knex('drivers').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('when an admin imports a file with a bad row, then it is refused whole (400) with the report', async () => {
    const res = await upload('/api/imports/drivers/', drivers, 'text/csv');
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('validation_failed');
    expect(res.body.imported).to.equal(0);
    expect(await deps.db.knex('drivers').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
  });

  it('when an admin imports a clean .xlsx of passengers, then every row is created and audited under the admin name', async () => {
    const rows = [
      [
        'phone',
        'full_name',
        'region_id',
        'disability_category',
        'allowed_companion',
        'mobility_aid',
      ],
      ['+77071110001', 'Gulnara S.', 'atyrau_center', 'I группа', 'да', 'wheelchair'],
      ['87071110002', 'Marat A.', 'atyrau_center', 'II группа', 'no', ''],
    ].map((row) => row.map((value) => ({ value, type: String })));
    const file = await writeXlsxFile(rows).toBuffer();
    const res = await upload('/api/imports/passengers/', file, xlsx);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ dry_run: false, total_rows: 2, valid_rows: 2, imported: 2 });
    const created = await deps.db
      .knex('passengers')
      .join('users', 'users.id', 'passengers.user_id')
      .orderBy('users.phone')
      .select(
        'users.phone',
        'passengers.full_name',
        'passengers.allowed_companion',
        'passengers.mobility_aid',
      );
    expect(created).to.deep.equal([
      {
        phone: '+77071110001',
        full_name: 'Gulnara S.',
        allowed_companion: true,
        mobility_aid: 'wheelchair',
      },
      {
        phone: '+77071110002',
        full_name: 'Marat A.',
        allowed_companion: false,
        mobility_aid: 'none',
      },
    ]);
    const audit = await app.request('GET', '/api/audit/?entity_type=passenger', {
      token: dispatcher,
    });
    expect(audit.body.count).to.equal(2);
    expect(audit.body.results[0]).to.include({
      actor_user_id: adminId,
      actor_full_name: 'Yerzhan Admin',
    });
  });

  it('when the same phone appears twice, then the second row is reported', async () => {
    const csv = [
      'phone;name;region_id;car_model;plate_number;capacity',
      '+77051110001;Asqar N.;atyrau_center;Hyundai Starex;901ABC06;4',
      '+7 705 111 00 01;Asqar again;atyrau_center;Kia Rio;904ABC06;4',
    ].join('\n');
    const res = await upload('/api/imports/drivers/?dry_run=true', csv, 'text/csv; charset=utf-8');
    expect(res.body.errors.map((e: { row: number }) => e.row)).to.deep.equal([3]);
  });

  it('when the header is wrong, the type unsupported or the caller a dispatcher, then it is a clear 400, 415 or 403', async () => {
    const wrong = await upload(
      '/api/imports/drivers/',
      'phone,nickname\n+77051110001,A',
      'text/csv',
    );
    expect(wrong.status).to.equal(400);
    expect(wrong.body.fields.file.join(' ')).to.match(/Unknown columns: nickname/);
    const type = await upload('/api/imports/drivers/', '{}', 'application/json');
    expect(type.status).to.equal(415);
    const notXlsx = await upload('/api/imports/drivers/', 'not a zip', xlsx);
    expect(notXlsx.status).to.equal(400);
    const forbidden = await upload('/api/imports/drivers/', drivers, 'text/csv', dispatcher);
    expect(forbidden.status).to.equal(403);
    const unknownKind = await upload('/api/imports/regions/', drivers, 'text/csv');
    expect(unknownKind.status).to.equal(404);
  });

  it('when an admin downloads the templates, then the CSV and the .xlsx carry the columns the import reads', async () => {
    const csv = await fetch(`${app.baseUrl}/api/imports/drivers/template/?format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const [header] = parseCsv(await csv.text());
    expect(header).to.deep.equal([
      'phone',
      'name',
      'region_id',
      'car_model',
      'plate_number',
      'capacity',
      'wheelchair_accessible',
      'email',
    ]);
    const book = await fetch(`${app.baseUrl}/api/imports/passengers/template/`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(book.headers.get('content-type')).to.equal(xlsx);
    expect(book.headers.get('content-disposition')).to.match(/passengers-template\.xlsx/);
    // The template's own example row passes a dry run (its region exists here).
    const preview = await upload(
      '/api/imports/passengers/?dry_run=true',
      Buffer.from(await book.arrayBuffer()),
      xlsx,
    );
    expect(preview.body).to.include({ total_rows: 1, valid_rows: 1 });
  });

  it('when the OpenAPI document is read, then the import endpoint and its file body are documented', async () => {
    const doc = await app.request('GET', '/api/openapi.json');
    const post = doc.body.paths['/api/imports/{kind}/'].post;
    expect(Object.keys(post.requestBody.content)).to.deep.equal([xlsx, 'text/csv']);
    expect(post.responses['200'].content['application/json'].schema.$ref).to.equal(
      '#/components/schemas/ImportReport',
    );
  });
});
