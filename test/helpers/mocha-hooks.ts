/** Root hooks: the test database exists and is migrated before any test runs. */
import { migrateLatest } from '../../db/database.js';
import { testConfig } from './test-env.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await migrateLatest(testConfig().databaseUrl);
  },
};
