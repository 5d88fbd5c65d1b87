/**
 * Migrations run in one place (bin/migrate.ts, the release step): the real web process
 * refuses to start on a missing or unmigrated database with a line saying what to run, and
 * bin/migrate.ts creates and migrates a missing database.
 */
import { expect } from 'chai';
import pg from 'pg';
import { ensureDatabaseExists, schemaStatus } from '../../db/database.js';
import { schemaNotCurrentExitCode } from '../../lib/process/require-current-schema.js';
import { runToExit } from '../helpers/bin-process.js';
import { testEnv } from '../helpers/test-env.js';

const base = new URL(testEnv.DATABASE_URL!);
const databaseUrl = (suffix: string) => {
  const url = new URL(base);
  url.pathname = `${base.pathname}_${suffix}`;
  return url.toString();
};

async function dropDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

const run = (script: string, env: NodeJS.ProcessEnv) => runToExit(script, [], env);

describe('the schema at start (migrations in one place)', function () {
  this.timeout(60_000);
  const missing = databaseUrl('absent');
  const empty = databaseUrl('unmigrated');

  before(async () => {
    await dropDatabase(missing);
    await dropDatabase(empty);
  });
  after(async () => {
    await dropDatabase(missing);
    await dropDatabase(empty);
  });

  it('when the database does not exist, then web exits saying to run the migrations, and creates nothing', async () => {
    const { code, output } = await run('bin/web.ts', { DATABASE_URL: missing });
    expect(code, output).to.equal(schemaNotCurrentExitCode);
    expect(output).to.include('The database does not exist: run `npm run db:migrate`');
    expect(await schemaStatus(missing)).to.deep.equal({ databaseExists: false });
  });

  it('when the database has no migrations applied, then web exits naming the pending ones', async () => {
    await ensureDatabaseExists(empty);
    const { code, output } = await run('bin/web.ts', { DATABASE_URL: empty });
    expect(code, output).to.equal(schemaNotCurrentExitCode);
    expect(output).to.match(
      /schema is not current \(\d+ migrations pending, first 2026\d+_create-users-and-regions\)/,
    );
  });

  it('when bin/migrate.ts runs on a missing database, then it creates and migrates it, and a second run applies nothing', async () => {
    const first = await run('bin/migrate.ts', { DATABASE_URL: missing });
    expect(first.code, first.output).to.equal(0);
    expect(first.output).to.match(/^applied: /);
    expect(await schemaStatus(missing)).to.deep.equal({ databaseExists: true, pending: [] });
    const second = await run('bin/migrate.ts', { DATABASE_URL: missing });
    expect(second.output).to.equal('already up to date\n');
  });
});
