/**
 * The console's door to the API: same origin, the staff member's bearer token, the chosen
 * language as Accept-Language (the API speaks ru and en; kk pages get ru messages). Every
 * non-2xx answer becomes an ApiError carrying the contract's error body.
 */
import type { Lang } from './i18n.js';
import type { Page } from './types.js';

export interface ErrorBody {
  error: string;
  code: string;
  fields?: Record<string, string[]>;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.error);
  }
}

let token: string | null = sessionStorage.getItem('invo.console.token');
let lang: Lang = 'ru';
let onUnauthorized: () => void = () => undefined;

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem('invo.console.token', value);
  else sessionStorage.removeItem('invo.console.token');
}
export const currentToken = (): string | null => token;
export const setApiLang = (value: Lang): void => {
  lang = value;
};
export const whenUnauthorized = (handler: () => void): void => {
  onUnauthorized = handler;
};

export interface Answer<T> {
  status: number;
  body: T;
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  init: { contentType?: string; raw?: BodyInit } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'accept-language': lang === 'en' ? 'en' : 'ru' };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (init.raw !== undefined) {
    payload = init.raw;
    headers['content-type'] = init.contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(path, { method, headers, body: payload ?? null });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (response.status === 401 && token) onUnauthorized();
  if (!response.ok) {
    const error = (parsed ?? { error: response.statusText, code: 'http_error' }) as ErrorBody;
    throw new ApiError(response.status, error);
  }
  return { status: response.status, body: parsed as T };
}

export const get = async <T>(path: string): Promise<T> => (await call<T>('GET', path)).body;

/** Every page of a list, the first alone and the rest in parallel. */
export async function getAll<T>(path: string, pageSize = 100): Promise<T[]> {
  const join = path.includes('?') ? '&' : '?';
  const first = await get<Page<T>>(`${path}${join}page_size=${pageSize}&page=1`);
  const pages = Math.ceil(first.count / pageSize);
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, pages - 1) }, (_, i) =>
      get<Page<T>>(`${path}${join}page_size=${pageSize}&page=${i + 2}`),
    ),
  );
  return [first, ...rest].flatMap((page) => page.results);
}
