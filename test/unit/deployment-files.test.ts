/**
 * The deployment files agree with the code: every setting is documented in .env.example, and
 * the compose file, Procfile and Dockerfile run the built processes. `docker compose config`
 * is not available in CI, so the compose file is checked structurally here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import { envSchema, loadConfig } from '../../lib/config/config.js';

// js-yaml comes with mocha (no types of its own here): only `load` is needed.
const requireCjs = createRequire(import.meta.url);
const { load: loadYaml } = requireCjs('js-yaml') as { load(this: void, text: string): unknown };

/** Applies YAML merge keys (`<<: *anchor`), as Compose does; this js-yaml leaves them as keys. */
function applyMergeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(applyMergeKeys);
  if (typeof value !== 'object' || value === null) return value;
  const { '<<': base, ...own } = value as Record<string, unknown>;
  const merged = { ...((applyMergeKeys(base) as object | undefined) ?? {}) } as Record<
    string,
    unknown
  >;
  for (const [key, item] of Object.entries(own)) merged[key] = applyMergeKeys(item);
  return merged;
}

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const sourceOf = (built: string) => {
  const match = /dist\/(bin\/[a-z-]+)\.js/.exec(built);
  return match ? new URL(`../../${match[1]}.ts`, import.meta.url) : null;
};

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  environment?: Record<string, unknown>;
  stop_grace_period?: string;
}

describe('deployment files', () => {
  it('when the config schema has a key, then .env.example lists it, and nothing else, and it loads', () => {
    const text = read('.env.example');
    const listed = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)];
    const keys = listed.map((m) => m[1]!);
    const schemaKeys = Object.keys(envSchema.fields);
    expect(schemaKeys.filter((key) => !keys.includes(key))).to.deep.equal([]);
    expect(keys.filter((key) => !schemaKeys.includes(key))).to.deep.equal([]);
    expect(new Set(keys).size).to.equal(keys.length);
    const env = Object.fromEntries(listed.map((m) => [m[1]!, m[2]!]));
    const config = loadConfig(env);
    expect(config.otp.testNumbers.map((t) => t.code)).to.deep.equal([
      '111111',
      '222222',
      '333333',
      '444444',
    ]);
  });

  it('when compose is read, then it runs PostgreSQL 15, Redis 7 without eviction, a release, web, two workers and realtime, each checked', () => {
    const compose = applyMergeKeys(loadYaml(read('docker-compose.yml'))) as {
      services: Record<string, ComposeService>;
      volumes: Record<string, unknown>;
    };
    const services = compose.services;
    expect(Object.keys(services).sort()).to.deep.equal(
      ['postgres', 'realtime', 'redis', 'release', 'web', 'worker'].sort(),
    );
    expect(services.postgres!.image).to.equal('postgres:15');
    expect(services.redis!.image).to.equal('redis:7');
    expect(services.redis!.command!.join(' ')).to.include('--maxmemory-policy noeviction');
    expect(services.redis!.command!.join(' ')).to.include('--appendonly yes');
    expect(services.worker!.deploy?.replicas).to.equal(2);
    expect(services.release!.command).to.deep.equal(['node', 'dist/bin/migrate.js']);
    for (const name of ['postgres', 'redis', 'web', 'worker', 'realtime']) {
      expect(services[name]!.healthcheck?.test, name).to.be.an('array').that.is.not.empty;
    }
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services, `${name} → ${target}`).to.have.property(target);
        expect(condition).to.equal(
          target === 'release' ? 'service_completed_successfully' : 'service_healthy',
        );
      }
      if (service.command && service.build) {
        const source = sourceOf(service.command.join(' '));
        expect(source && existsSync(source), `${name}: ${service.command.join(' ')}`).to.equal(
          true,
        );
      }
    }
    for (const name of ['web', 'worker', 'realtime']) {
      const service = services[name]!;
      expect(Object.keys(service.depends_on ?? {}).sort(), name).to.deep.equal([
        'postgres',
        'redis',
        'release',
      ]);
      expect(service.environment?.NODE_ENV, name).to.equal('production');
      expect(service.stop_grace_period, name).to.equal('40s');
    }
    expect(Object.keys(compose.volumes).sort()).to.deep.equal(['postgres-data', 'redis-data']);
  });

  it('when the Procfile is read, then release, web, worker and realtime run the built JavaScript', () => {
    const entries = Object.fromEntries(
      read('Procfile')
        .trim()
        .split('\n')
        .map((line) => line.split(/:\s+/, 2) as [string, string]),
    );
    expect(Object.keys(entries).sort()).to.deep.equal(['realtime', 'release', 'web', 'worker']);
    expect(entries.release).to.equal('node dist/bin/migrate.js');
    for (const command of Object.values(entries)) {
      expect(command).to.match(/^node dist\/bin\/[a-z-]+\.js$/);
      expect(existsSync(sourceOf(command)!), command).to.equal(true);
    }
  });

  it('when the Dockerfile is read, then it builds in stages and runs as a non-root user in production with a health check', () => {
    const text = read('Dockerfile');
    expect(text.match(/^FROM node:20-slim AS (\w|-)+$/gm)).to.have.length.of.at.least(3);
    expect(text).to.match(/^FROM node:20-slim AS runtime$/m);
    expect(text).to.include('RUN npm run build');
    expect(text).to.include('npm ci --omit=dev');
    expect(text).to.match(/^ENV NODE_ENV=production$/m);
    expect(text).to.match(/^USER node$/m);
    expect(text).to.match(/^HEALTHCHECK /m);
    expect(text).to.match(/^CMD \["node", "dist\/bin\/web\.js"\]$/m);
  });

  it('when package.json is read, then the production start scripts run the built files', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> })
      .scripts;
    for (const name of ['start:web:prod', 'start:worker:prod', 'start:realtime:prod']) {
      expect(scripts[name], name).to.match(/^node dist\/bin\/[a-z-]+\.js$/);
      expect(existsSync(sourceOf(scripts[name]!)!)).to.equal(true);
    }
    expect(scripts.build).to.equal('tsc -p tsconfig.build.json && npm run build:console');
  });
});
