/**
 * Logging in with a code. The try is decided under a row lock, so parallel guesses are
 * counted one by one, and a wrong try's count commits even though the call then fails.
 * A right code is spent at once. Unknown phones become passenger users without a profile;
 * a deactivated user proves the phone but gets no session (403).
 */
import {
  deleteOtpCode,
  lockOtpCode,
  recordOtpFailure,
} from '../../db/repositories/otp.repository.js';
import {
  findActiveDriverOfUser,
  findActivePassengerOfUser,
  findOrCreatePassengerUser,
} from '../../db/repositories/login-user.repository.js';
import { toDriverView, type DriverView } from '../drivers/driver-view.js';
import { AppError } from '../errors/app-error.js';
import { toPassengerView, type PassengerView } from '../passengers/passenger-view.js';
import { toUserView, type UserView } from '../users/user-view.js';
import type { AppDeps } from '../deps.js';
import { isStaffRole, type UserActor } from './actor.js';
import { checkOtpCode, isSameCode, type OtpCheck } from './otp-code.js';
import { normalizePhone } from './phone.js';
import { openSession } from './session-tokens.js';

type VerifyDeps = Pick<AppDeps, 'db' | 'config' | 'clock' | 'otp'>;

export interface LoginResult {
  access: string;
  refresh: string;
  user: UserView;
  role: string;
  is_new_user: boolean;
  has_profile: boolean;
  passenger?: PassengerView;
  passenger_id?: number;
  driver?: DriverView;
  driver_id?: number;
}

async function spendCode(deps: VerifyDeps, phone: string, code: string): Promise<OtpCheck> {
  const testCode = deps.otp.testCodes.get(phone);
  if (testCode !== undefined) {
    return isSameCode(testCode, code)
      ? { outcome: 'accepted' }
      : { outcome: 'wrong', attemptsLeft: null };
  }
  return deps.db.transaction(async (trx) => {
    const stored = await lockOtpCode(trx, phone);
    const check = checkOtpCode(
      stored,
      { phone, code },
      { secret: deps.config.jwt.secret, maxAttempts: deps.config.otp.maxAttempts },
      deps.clock.now(),
    );
    if (check.outcome === 'wrong') await recordOtpFailure(trx, phone);
    else if (stored) await deleteOtpCode(trx, phone);
    return check;
  });
}

/** Public: whoever calls proves the phone; a signed-in caller gets a second session. */
export async function verifyOtp(
  deps: VerifyDeps,
  actor: UserActor | undefined,
  input: { phone: string; code: string; ip: string },
): Promise<LoginResult> {
  const phone = normalizePhone(input.phone, deps.config.defaultCountry);
  await deps.otp.limits.consume('verify', phone, input.ip);
  const check = await spendCode(deps, phone, input.code);
  if (check.outcome !== 'accepted') await deps.otp.limits.recordFailedTry(phone, input.ip);
  if (check.outcome === 'dead') throw new AppError('code_expired');
  if (check.outcome === 'wrong') {
    const extra = check.attemptsLeft === null ? {} : { attempts_left: check.attemptsLeft };
    throw new AppError('invalid_code', { extra });
  }
  await deps.otp.limits.forgetFailedTries(phone, input.ip);

  const db = deps.db.knex;
  const { user, created } = await findOrCreatePassengerUser(db, phone);
  if (!user.is_active) throw new AppError('forbidden', { extra: { reason: 'account_disabled' } });
  const tokens = await openSession(deps, actor, { user });
  const passenger = await findActivePassengerOfUser(db, user.id);
  const driver = await findActiveDriverOfUser(db, user.id);
  return {
    ...tokens,
    user: toUserView(user),
    role: user.role,
    is_new_user: created,
    // Staff need no profile; passengers and drivers need theirs to use the apps.
    has_profile: isStaffRole(user.role) || passenger !== undefined || driver !== undefined,
    ...(passenger ? { passenger: toPassengerView(passenger), passenger_id: passenger.id } : {}),
    ...(driver ? { driver: toDriverView(driver), driver_id: driver.id } : {}),
  };
}
