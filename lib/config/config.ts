/**
 * The one configuration module. Every setting comes from the environment, is validated
 * once at start, and a bad key fails start-up with one clear line per key.
 *
 * Settings are declared once, in lib/config/settings.ts: the validation schema, the `Config`
 * type and the env → Config mapping below are derived from those declarations, and so are
 * `.env.example` and the README's table (`npm run config:docs`). To add a setting, add one
 * entry there (its header says how); this file changes only for a rule across settings
 * (a production refusal, say).
 */
import * as yup from 'yup';
import { flatten, mapValues, type ValuesOf } from './setting.js';
import { settings } from './settings.js';

export type { TestPhoneCode } from './test-numbers.js';

/** Validates the raw environment: one field per setting, its default applied. */
export const envSchema = yup.object(
  Object.fromEntries(flatten(settings).map((setting) => [setting.env, setting.validator()])),
);

export type Config = ValuesOf<typeof settings> & { isProduction: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Secrets published in this repository (.env.example, the README's and compose's demo, the
 * tests'): anyone can sign tokens with them. test/unit/production-secrets.test.ts fails when
 * a file gains a JWT_SECRET value missing here.
 */
export const publishedSecrets = [
  'development-only-secret-change-me-0123456789',
  'demo-only-secret-0123456789-0123456789',
  'test-secret-0123456789-0123456789-0123456789',
];

/** Why a production JWT secret is unsafe, or null. */
export function productionSecretProblem(secret: string): string | null {
  if (
    publishedSecrets.includes(secret) ||
    /change-?me|example|demo-only|development-only/i.test(secret)
  ) {
    return 'JWT_SECRET is a published example value; generate one (openssl rand -base64 48)';
  }
  if (secret.length < 32 || new Set(secret).size < 12) {
    return 'JWT_SECRET must be 32+ random characters (openssl rand -base64 48)';
  }
  return null;
}

/** Reads and validates the environment; throws ConfigError listing every bad key. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  let raw: Record<string, unknown>;
  try {
    raw = envSchema.validateSync(source, { abortEarly: false, stripUnknown: true });
  } catch (e: unknown) {
    if (e instanceof yup.ValidationError) throw new ConfigError(e.errors);
    throw e;
  }
  const problems: string[] = [];
  const values = mapValues(settings, raw, problems);
  const config: Config = { ...values, isProduction: values.env === 'production' };
  problems.push(...crossSettingProblems(config, source));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Rules that involve more than one setting, or production's refusals. */
function crossSettingProblems(config: Config, source: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  // REDIS_URL has a default, so only the raw environment tells whether both were given.
  if (config.redis.clusterNodes && source.REDIS_URL) {
    problems.push('set REDIS_URL or REDIS_CLUSTER_NODES, not both');
  }
  const { isProduction, otp, sms } = config;
  if (isProduction && otp.testNumbers.length > 0 && !otp.testNumbersInProduction) {
    problems.push(
      'OTP_TEST_NUMBERS is refused in production unless OTP_TEST_NUMBERS_IN_PRODUCTION=true',
    );
  }
  const secretProblem = isProduction ? productionSecretProblem(config.jwt.secret) : null;
  if (secretProblem) problems.push(secretProblem);
  if (isProduction && sms.provider === 'log') {
    problems.push('SMS_PROVIDER=log prints messages and is refused in production; use http');
  }
  if (sms.provider === 'http' && sms.httpUrlTemplate === '') {
    problems.push('SMS_HTTP_URL_TEMPLATE is required when SMS_PROVIDER=http');
  }
  try {
    new RegExp(sms.httpFailurePattern);
  } catch {
    problems.push('SMS_HTTP_FAILURE_PATTERN is not a valid regular expression');
  }
  return problems;
}
