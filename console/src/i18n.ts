/**
 * The console's languages: ru (default), kk and en. Chosen by `?lang=`, else what was chosen
 * before (localStorage), else the browser's languages; the choice is remembered. The English
 * accessible names (Phone, Code, Send code, Sign in, Queue, Candidates, Assign) are part of
 * the contract: tests drive the page by them.
 */
import { en } from './messages/en.js';
import { kk } from './messages/kk.js';
import { ru } from './messages/ru.js';

export type Messages = typeof en;
export type Lang = 'ru' | 'kk' | 'en';
export const langs: readonly Lang[] = ['ru', 'kk', 'en'];
const catalogues: Record<Lang, Messages> = { ru, kk, en };
const storageKey = 'invo.console.lang';

const isLang = (value: string | null | undefined): value is Lang =>
  value !== null && value !== undefined && (langs as readonly string[]).includes(value);

export function pickLang(search: string, stored: string | null, browser: readonly string[]): Lang {
  const asked = new URLSearchParams(search).get('lang');
  if (isLang(asked)) return asked;
  if (isLang(stored)) return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLang(primary)) return primary;
  }
  return 'ru';
}

export function initialLang(): Lang {
  const lang = pickLang(location.search, localStorage.getItem(storageKey), navigator.languages);
  rememberLang(lang);
  return lang;
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem(storageKey, lang);
  document.documentElement.lang = lang;
}

export const messagesFor = (lang: Lang): Messages => catalogues[lang];

/** `{name}` placeholders. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
