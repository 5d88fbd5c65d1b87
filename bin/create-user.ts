/**
 * `npm run user:create -- --role admin --phone "+7 700 000 00 00"`: creates a staff account
 * (dispatcher or admin) that logs in by OTP with that phone. Idempotent: running it again
 * changes nothing. Prints the account id and role, never the phone.
 */
import { parseArgs } from 'node:util';
import { isAppError } from '../lib/errors/app-error.js';
import { closeDeps, createDeps } from '../lib/deps.js';
import { createLogger } from '../lib/logger/logger.js';
import { loadConfigOrExit } from '../lib/process/run-process.js';
import { ensureStaffUser } from '../lib/users/manage-staff-users.js';
import { staffRoles, type StaffRole } from '../lib/auth/actor.js';

const usage = 'usage: npm run user:create -- --role dispatcher|admin --phone <phone>';

function readArgs(): { role: StaffRole; phone: string } {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, phone: { type: 'string' } },
    strict: true,
  });
  const role = staffRoles.find((r) => r === values.role);
  if (!role || !values.phone) {
    process.stderr.write(`${usage}\n`);
    process.exit(64);
  }
  return { role, phone: values.phone };
}

const args = readArgs();
const config = loadConfigOrExit();
const deps = createDeps(config, createLogger({ level: config.logLevel, name: 'user-create' }));
try {
  const { user, outcome } = await ensureStaffUser(deps, args);
  process.stdout.write(`${user.role} user ${user.id}: ${outcome.replace('_', ' ')}\n`);
} catch (e: unknown) {
  if (!isAppError(e)) throw e;
  const details = Object.entries(e.fields ?? {})
    .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
    .join('\n');
  process.stderr.write(`${details || e.code}\n`);
  process.exitCode = 1;
} finally {
  await closeDeps(deps);
}
