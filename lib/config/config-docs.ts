/**
 * `.env.example` and the README's configuration table, rendered from the declarations in
 * lib/config/settings.ts (`npm run config:docs` writes them; test/unit/config-docs.test.ts
 * fails when the files in the repository differ from what this renders).
 */
import { flatten, sections, type AnySetting } from './setting.js';
import { settings } from './settings.js';

const all = flatten(settings);

const shown = (value: unknown): string => String(value);

/** The value the docs list: the demo example where one is declared, else the default. */
const listedValue = (setting: AnySetting): string =>
  shown(setting.options.example ?? setting.defaultValue);

/** The description with what the declaration's options add to it. */
function fullDescription(setting: AnySetting): string {
  const notes: string[] = [setting.description];
  const { example, productionDefault, secret } = setting.options;
  if (example !== undefined) {
    const fallback = shown(setting.defaultValue);
    notes.push(`(Example value; the default is ${fallback === '' ? 'empty' : fallback}.)`);
  }
  if (productionDefault !== undefined) {
    notes.push(`Default in production: ${shown(productionDefault)}.`);
  }
  if (secret) notes.push('A credential: keep real values out of the repository.');
  return notes.join(' ');
}

function wrapComment(text: string, width = 98): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(`# ${line}`);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(`# ${line}`);
  return lines;
}

const sectionRule = (name: string) => `# --- ${name} `.padEnd(93, '-');

export function renderEnvExample(): string {
  const lines = [
    '# Invo Dispatch settings. Copy to .env and adjust; every key is optional unless marked.',
    '# Generated from lib/config/settings.ts by `npm run config:docs`: edit the declarations there.',
    '# Values are the built-in defaults (validated at start) unless marked as an example; they are',
    '# for DEVELOPMENT: docker-compose.yml overrides what production needs.',
  ];
  for (const section of sections) {
    lines.push('', sectionRule(section));
    for (const setting of all.filter((s) => s.section === section)) {
      lines.push(
        ...wrapComment(fullDescription(setting)),
        `${setting.env}=${listedValue(setting)}`,
      );
    }
  }
  lines.push(
    '',
    sectionRule('docker-compose.yml only (not read by the application)'),
    '# POSTGRES_PASSWORD=change-me',
    '# WEB_PUBLISH_PORT=3000',
    '# REALTIME_PUBLISH_PORT=3001',
  );
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export const readmeTableStart = '<!-- config-table:start -->';
export const readmeTableEnd = '<!-- config-table:end -->';

/** The table between the README's config-table markers (markers excluded). */
export function renderReadmeTable(): string {
  const rows = ['| setting | example / default | meaning |', '|---|---|---|'];
  for (const section of sections) {
    rows.push(`| **${section}** | | |`);
    for (const setting of all.filter((s) => s.section === section)) {
      const value = listedValue(setting);
      rows.push(
        `| \`${setting.env}\` | \`${value === '' ? '(empty)' : value}\` | ${cell(fullDescription(setting))} |`,
      );
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The README with its table replaced by the rendered one. */
export function withReadmeTable(readme: string): string {
  const start = readme.indexOf(readmeTableStart);
  const end = readme.indexOf(readmeTableEnd);
  if (start < 0 || end < start) throw new Error('README.md has no config-table markers');
  return `${readme.slice(0, start + readmeTableStart.length)}\n${renderReadmeTable()}${readme.slice(end)}`;
}
