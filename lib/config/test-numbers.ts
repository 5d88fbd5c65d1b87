/** OTP_TEST_NUMBERS: `phone:code` pairs, parsed without ever echoing a whole phone number. */
import { commaList } from './setting.js';

export interface TestPhoneCode {
  phone: string;
  code: string;
}

/** Raw pairs; phones are normalised by lib/auth, which owns phone rules. */
export function parseTestNumbers(raw: string, problems: string[]): TestPhoneCode[] {
  const pairs: TestPhoneCode[] = [];
  for (const item of commaList(raw)) {
    const separator = item.lastIndexOf(':');
    const phone = item.slice(0, separator).trim();
    const code = item.slice(separator + 1).trim();
    if (separator <= 0 || !/^\d{6}$/.test(code)) {
      problems.push(
        `OTP_TEST_NUMBERS: "${item.slice(0, 4)}…" must be phone:code with a 6-digit code`,
      );
    } else {
      pairs.push({ phone, code });
    }
  }
  return pairs;
}
