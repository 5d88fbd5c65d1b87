/** The non-error texts of login: the SMS itself and the confirmations the apps show. */
import type { Locale } from '../i18n/messages.js';

export const authMessages = {
  codeSent: { ru: 'Код отправлен по SMS', en: 'The code has been sent by SMS' },
  loggedOut: { ru: 'Вы вышли из системы', en: 'You have been logged out' },
} satisfies Record<string, Record<Locale, string>>;

export function otpSmsText(code: string, locale: Locale): string {
  return locale === 'en'
    ? `Invo: your login code is ${code}. Do not share it with anyone.`
    : `Invo: код для входа ${code}. Никому его не сообщайте.`;
}
