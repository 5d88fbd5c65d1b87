/**
 * Phone numbers are identities here, so one person must have one spelling: every phone that
 * enters the system is normalised to E.164 (`+77777777777`) before it is compared or stored.
 * A local spelling (`8 777 777 77 77`) is read in the configured default country (KZ). Only
 * numbers that can receive an SMS are accepted, because the phone is how the user logs in.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { TestPhoneCode } from '../config/config.js';
import { AppError } from '../errors/app-error.js';

const smsCapableTypes = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);
const maxInputLength = 32;

export type PhoneProblem = 'invalid' | 'not_mobile';

/** The E.164 form of `raw`, or why it is not acceptable. Pure. */
export function parsePhone(
  raw: string,
  defaultCountry: string,
): { phone: string } | { problem: PhoneProblem } {
  const text = raw.trim();
  if (text.length > maxInputLength || /[^\d\s()+\-.]/.test(text)) return { problem: 'invalid' };
  const parsed = parsePhoneNumberFromString(text, {
    defaultCountry: defaultCountry as CountryCode,
    extract: false,
  });
  if (!parsed?.isValid() || parsed.ext) return { problem: 'invalid' };
  const type = parsed.getType();
  // Unknown type: the metadata cannot tell, so give the number the benefit of the doubt.
  if (type !== undefined && !smsCapableTypes.has(type)) return { problem: 'not_mobile' };
  return { phone: parsed.number };
}

const problemMessages: Record<PhoneProblem, string> = {
  invalid: 'Enter a valid phone number',
  not_mobile: 'Enter a mobile phone number that can receive SMS',
};

/** Normalises a phone from input; a bad one is a 400 on `field`. */
export function normalizePhone(raw: string, defaultCountry: string, field = 'phone'): string {
  const result = parsePhone(raw, defaultCountry);
  if ('problem' in result) {
    throw new AppError('validation_failed', {
      fields: { [field]: [problemMessages[result.problem]] },
    });
  }
  return result.phone;
}

/**
 * The configured test numbers keyed by their E.164 form. A pair whose phone does not parse
 * is a configuration mistake worth failing start-up for, not something to skip quietly.
 */
export function normalizeTestNumbers(
  pairs: TestPhoneCode[],
  defaultCountry: string,
): Map<string, string> {
  const byPhone = new Map<string, string>();
  for (const pair of pairs) {
    const result = parsePhone(pair.phone, defaultCountry);
    if ('problem' in result) throw new Error('OTP_TEST_NUMBERS holds a phone that is not valid');
    byPhone.set(result.phone, pair.code);
  }
  return byPhone;
}
