/**
 * Who is calling, from an access token: the use case the HTTP admin pages, the Socket.IO
 * handshake and the plain WebSocket call, so none of them reaches for the database itself.
 */
import type { AppDeps } from '../deps.js';
import { authenticateAccessToken } from './access-token.js';
import type { UserActor } from './actor.js';

export function authenticateCaller(
  deps: Pick<AppDeps, 'db' | 'config'>,
  input: { token: string },
): Promise<UserActor> {
  return authenticateAccessToken(deps.db.knex, deps.config.jwt, input.token);
}
