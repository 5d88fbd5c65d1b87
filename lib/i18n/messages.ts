/** Human messages for every error code, in the two languages the apps speak. */
import type { ErrorCode } from '../errors/app-error.js';

export type Locale = 'ru' | 'en';

export const errorMessages: Record<ErrorCode, Record<Locale, string>> = {
  validation_failed: { ru: 'Некорректные данные запроса', en: 'The request is not valid' },
  unauthorized: { ru: 'Требуется авторизация', en: 'Authentication is required' },
  invalid_token: { ru: 'Недействительный токен', en: 'The token is invalid or expired' },
  token_revoked: { ru: 'Токен отозван', en: 'The token has been revoked' },
  forbidden: { ru: 'Недостаточно прав', en: 'You are not allowed to do this' },
  not_found: { ru: 'Не найдено', en: 'Not found' },
  method_not_allowed: {
    ru: 'Метод не поддерживается',
    en: 'This method is not allowed here',
  },
  invalid_transition: {
    ru: 'Недопустимая смена статуса',
    en: 'This status change is not allowed',
  },
  conflict: { ru: 'Конфликт состояния', en: 'The resource is in a conflicting state' },
  driver_unavailable: { ru: 'Водитель недоступен', en: 'The driver is not available' },
  offer_closed: { ru: 'Предложение уже закрыто', en: 'The offer is no longer open' },
  outside_geofence: {
    ru: 'Водитель ещё не у точки посадки',
    en: 'The driver is not at the pickup point yet',
  },
  no_show_too_early: {
    ru: 'Слишком рано отмечать неявку пассажира',
    en: 'It is too early to mark the passenger as a no-show',
  },
  profile_exists: { ru: 'Профиль уже существует', en: 'The profile already exists' },
  profile_required: { ru: 'Сначала заполните профиль', en: 'A profile is required first' },
  invalid_code: { ru: 'Неверный код', en: 'The code is wrong' },
  code_expired: {
    ru: 'Код истёк или больше не действует',
    en: 'The code has expired or is no longer valid',
  },
  rate_limited: {
    ru: 'Слишком много запросов, попробуйте позже',
    en: 'Too many requests, try again later',
  },
  payload_too_large: { ru: 'Слишком большой запрос', en: 'The request body is too large' },
  unsupported_media_type: {
    ru: 'Ожидается JSON',
    en: 'The request body must be JSON',
  },
  service_unavailable: {
    ru: 'Сервис временно недоступен',
    en: 'The service is temporarily unavailable',
  },
  internal_error: { ru: 'Внутренняя ошибка сервера', en: 'Internal server error' },
  not_implemented: {
    ru: 'Этот метод прежнего API Инво Такси здесь не поддерживается',
    en: 'This endpoint of the original Invo Taxi API has no equivalent here',
  },
};

export function pickLocale(acceptLanguage: string | undefined, fallback: Locale): Locale {
  if (!acceptLanguage) return fallback;
  for (const part of acceptLanguage.split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === 'ru' || tag === 'en') return tag;
  }
  return fallback;
}
