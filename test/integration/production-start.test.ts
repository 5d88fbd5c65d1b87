/**
 * Issue 9, item 2, end to end: the real web process, started in production with the
 * .env.example's JWT secret, refuses to start (exit 78, the configuration error) and says why.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runToExit } from '../helpers/bin-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exampleSecret = /^JWT_SECRET=(.*)$/m.exec(
  readFileSync(path.join(root, '.env.example'), 'utf8'),
)![1]!;

describe('production start with the example secret (issue 9)', function () {
  this.timeout(30_000);

  it('when bin/web.ts starts in production with the .env.example JWT_SECRET, then it exits refusing it', async () => {
    const { code, output } = await runToExit('bin/web.ts', [], {
      NODE_ENV: 'production',
      JWT_SECRET: exampleSecret,
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: 'https://sms.example/{phone}',
      OTP_TEST_NUMBERS: '',
    });
    expect(code, output).to.equal(78);
    expect(output).to.match(/JWT_SECRET is a published example value/);
    expect(output).not.to.include(exampleSecret);
  });
});
