/** `npm run db:migrate`: creates the database if needed and applies every migration. */
import { migrateLatest } from '../db/database.js';
import { loadConfigOrExit } from '../lib/process/run-process.js';

const config = loadConfigOrExit();
const applied = await migrateLatest(config.databaseUrl);
process.stdout.write(
  applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'already up to date\n',
);
