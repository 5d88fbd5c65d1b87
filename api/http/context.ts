/** What every request carries through the Koa context. */
import type { Router, RouterContext } from '@koa/router';
import type { UserActor } from '../../lib/auth/actor.js';
import type { Locale } from '../../lib/i18n/messages.js';
import type { Logger } from '../../lib/logger/logger.js';

export interface AppState {
  requestId: string;
  locale: Locale;
  log: Logger;
  actor?: UserActor;
}

export type AppContext = RouterContext<AppState>;
export type AppRouter = Router<AppState>;
