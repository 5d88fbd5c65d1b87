/**
 * Writes `.env.example` and the README's configuration table from lib/config/settings.ts.
 * Run after adding or changing a setting: `npm run config:docs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderEnvExample, withReadmeTable } from '../lib/config/config-docs.js';

const file = (name: string) => new URL(`../${name}`, import.meta.url);

writeFileSync(file('.env.example'), renderEnvExample());
writeFileSync(file('README.md'), withReadmeTable(readFileSync(file('README.md'), 'utf8')));
process.stdout.write('wrote .env.example and the README configuration table\n');
