/** `npm run db:seed`: the Atyrau demo data (idempotent). Run `npm run db:migrate` first. */
import { closeDeps, createDeps } from '../lib/deps.js';
import { createLogger } from '../lib/logger/logger.js';
import { loadConfigOrExit } from '../lib/process/run-process.js';
import { describeSeedResult, seedDemo } from '../lib/seed/seed-demo.js';

const config = loadConfigOrExit();
const deps = createDeps(config, createLogger({ level: config.logLevel, name: 'seed' }));
try {
  const result = await seedDemo(deps);
  process.stdout.write(`${describeSeedResult(result)}\n`);
} finally {
  await closeDeps(deps);
}
