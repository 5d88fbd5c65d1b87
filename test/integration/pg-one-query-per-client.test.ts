/**
 * pg deprecates (and pg 9 will refuse) a second query on a client still running one. objection
 * asked for a graph's table columns all at once, on the caller's transaction, the first time a
 * process joined that graph. Each graph is joined in a transaction by a fresh process (a cold
 * column cache); none may print that warning.
 */
import { expect } from 'chai';
import { runToExit } from '../helpers/bin-process.js';

describe('one query at a time on a PostgreSQL client', function () {
  this.timeout(60_000);

  for (const graph of ['order', 'orders', 'driver']) {
    it(`when a fresh process first joins the ${graph} graph in a transaction, then pg warns of no concurrent query`, async () => {
      const { code, output } = await runToExit('test/helpers/graph-in-transaction.ts', [graph]);
      expect(code, output).to.equal(0);
      expect(output).to.not.match(/already executing a query/);
    });
  }
});
