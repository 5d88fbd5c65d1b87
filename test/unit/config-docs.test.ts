/**
 * `.env.example` and the README's configuration table are rendered from the declarations in
 * lib/config/settings.ts; these tests fail when either file misses a setting, lists one that
 * does not exist, or shows another value than the default the code applies.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { envSchema, loadConfig } from '../../lib/config/config.js';
import {
  readmeTableEnd,
  readmeTableStart,
  renderEnvExample,
  renderReadmeTable,
} from '../../lib/config/config-docs.js';
import { flatten } from '../../lib/config/setting.js';
import { settings } from '../../lib/config/settings.js';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const declared = flatten(settings);
/** What the code applies when a key is unset (development), as the docs write it. */
const appliedDefaults = Object.fromEntries(
  Object.entries(envSchema.validateSync({})).map(([key, value]) => [key, String(value)]),
);
const documentedValue = (env: string) => {
  const example = declared.find((s) => s.env === env)?.options.example;
  return typeof example === 'string' ? example : appliedDefaults[env];
};

describe('configuration documentation', () => {
  it('when .env.example is read, then it lists every setting once, with the default the code applies', () => {
    const listed = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)];
    const keys = listed.map((m) => m[1]!);
    expect(keys).to.have.members(declared.map((s) => s.env));
    expect(new Set(keys).size).to.equal(keys.length);
    for (const [, key, value] of listed) expect(value, key).to.equal(documentedValue(key!));
  });

  it('when the README table is read, then it lists every setting once, with the default the code applies', () => {
    const rows = [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| `([^`]*)` \|/gm)];
    const keys = rows.map((m) => m[1]!);
    expect(keys).to.have.members(declared.map((s) => s.env));
    expect(new Set(keys).size).to.equal(keys.length);
    for (const [, key, value] of rows) {
      expect(value === '(empty)' ? '' : value, key).to.equal(documentedValue(key!));
    }
  });

  it('when the declarations change, then the files are regenerated (npm run config:docs)', () => {
    expect(read('.env.example'), 'run npm run config:docs').to.equal(renderEnvExample());
    const readme = read('README.md');
    const start = readme.indexOf(readmeTableStart) + readmeTableStart.length + 1;
    const table = readme.slice(start, readme.indexOf(readmeTableEnd));
    expect(table, 'run npm run config:docs').to.equal(renderReadmeTable());
  });

  it('when a setting has a production default, then production applies it and development the other', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'Zq8#rT2!vLx9@pW4$mN7^bK1&cJ6*hG3',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL_TEMPLATE: 'http://gateway.invalid/{phone}',
    };
    expect(loadConfig(production).shutdownDrainSeconds).to.equal(5);
    expect(loadConfig({}).shutdownDrainSeconds).to.equal(0);
    expect(documentedValue('SHUTDOWN_DRAIN_SECONDS')).to.equal('0');
  });

  it('when every declared setting is loaded, then each lands on its Config property', () => {
    const config = loadConfig({ DISPATCH_COST_URGENCY_MAX_M: '1234', CORS_ORIGINS: 'a, b' });
    expect(config.dispatch.cost.urgencyMaxM).to.equal(1234);
    expect(config.http.corsOrigins).to.deep.equal(['a', 'b']);
    expect(config.isProduction).to.equal(false);
    expect(config.otp.testNumbers).to.deep.equal([]);
  });
});
