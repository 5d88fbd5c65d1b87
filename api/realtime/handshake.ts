/**
 * The handshake: the access token (auth.token or ?token=) and its session must hold, so
 * expired, forged and revoked tokens never connect. The refusal's message is the error code.
 */
import { authenticateWithStoredSession } from '../../lib/auth/authenticate-caller.js';
import type { AppDeps } from '../../lib/deps.js';
import { isAppError } from '../../lib/errors/app-error.js';
import { pickLocale, type Locale } from '../../lib/i18n/messages.js';
import type { RealtimeSocket } from './server.js';

export const handshakeToken = (socket: RealtimeSocket): string => {
  const fromAuth = (socket.handshake.auth as { token?: unknown }).token;
  const fromQuery = socket.handshake.query.token;
  return typeof fromAuth === 'string' ? fromAuth : typeof fromQuery === 'string' ? fromQuery : '';
};

const handshakeLocale = (socket: RealtimeSocket, fallback: Locale): Locale => {
  const fromAuth = (socket.handshake.auth as { locale?: unknown }).locale;
  return pickLocale(
    typeof fromAuth === 'string' ? fromAuth : socket.handshake.headers['accept-language'],
    fallback,
  );
};

/** A refused handshake: the client's `connect_error` carries the code in message and data. */
const refusal = (code: string): Error => Object.assign(new Error(code), { data: { code } });

export function authenticateSocket(deps: AppDeps) {
  return (socket: RealtimeSocket, next: (error?: Error) => void): void => {
    const token = handshakeToken(socket);
    if (!token) {
      next(refusal('unauthorized'));
      return;
    }
    authenticateWithStoredSession(deps, { token }).then(
      (actor) => {
        socket.data.actor = actor;
        socket.data.locale = handshakeLocale(socket, deps.config.defaultLocale);
        next();
      },
      (e: unknown) => {
        if (!isAppError(e)) deps.logger.error({ err: e }, 'socket handshake failed');
        next(refusal(isAppError(e) ? e.code : 'service_unavailable'));
      },
    );
  };
}
