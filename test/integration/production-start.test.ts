/**
 * Issue 9, item 2, end to end: the real web process, started in production with the
 * .env.example's JWT secret, refuses to start (exit 78, the configuration error) and says why.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { testEnv } from '../helpers/test-env.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exampleSecret = /^JWT_SECRET=(.*)$/m.exec(
  readFileSync(path.join(root, '.env.example'), 'utf8'),
)![1]!;

describe('production start with the example secret (issue 9)', function () {
  this.timeout(30_000);

  it('when bin/web.ts starts in production with the .env.example JWT_SECRET, then it exits refusing it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/web.ts'], {
      cwd: root,
      env: {
        ...process.env,
        ...testEnv,
        NODE_ENV: 'production',
        JWT_SECRET: exampleSecret,
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL_TEMPLATE: 'https://sms.example/{phone}',
        OTP_TEST_NUMBERS: '',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code, output).to.equal(78);
    expect(output).to.match(/JWT_SECRET is a published example value/);
    expect(output).not.to.include(exampleSecret);
  });
});
