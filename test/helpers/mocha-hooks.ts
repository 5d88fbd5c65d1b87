/**
 * Root hooks: the test database exists and is migrated before any test runs, and each test
 * file's suites run under a Redis prefix of their own (see test-env.ts).
 */
import { migrateLatest } from '../../db/database.js';
import { testConfig, useSuitePrefix } from './test-env.js';

/** How long handles may take to close after the last test. */
const leakGraceMs = 10_000;

interface HookList {
  _beforeAll: unknown[];
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await migrateLatest(testConfig().databaseUrl);
    for (const suite of this.test?.parent?.suites ?? []) {
      const file = suite.file;
      suite.beforeAll(`Redis prefix of ${file ?? 'the suite'}`, () => useSuitePrefix(file));
      // First, before the suite's own hooks create their deps and processes.
      const hooks = (suite as unknown as HookList)._beforeAll;
      hooks.unshift(hooks.pop());
    }
  },
  /**
   * Without mocha's `--exit`, anything a suite left open keeps the run alive: name it, and
   * fail the run instead of hanging if it is still there a while after the last test.
   */
  afterAll() {
    const timer = setTimeout(() => {
      const left = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
      console.error(`\n  still open ${leakGraceMs} ms after the last test: ${left.join(', ')}`);
      process.exit(1);
    }, leakGraceMs);
    timer.unref();
  },
};
