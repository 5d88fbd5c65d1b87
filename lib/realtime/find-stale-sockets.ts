/**
 * Connected sockets whose login no longer holds: the token expired, the session was revoked
 * (logout, refresh-token reuse, a deactivated user) or the user's profile changed since the
 * handshake. The handshake checks all this once; this sweep keeps it true for long-lived
 * connections without a database read per client event.
 */
import { setImmediate } from 'node:timers/promises';
import { listLiveSessions, type LiveSession } from '../../db/repositories/realtime.repository.js';
import { verifyAccessClaims } from '../auth/access-token.js';
import type { UserActor } from '../auth/actor.js';
import type { AppDeps } from '../deps.js';

export interface ConnectedSocket {
  id: string;
  token: string;
  actor: UserActor;
}

const chunkSize = 1000;
const verifySliceSize = 50;

/** The ids of the sockets to disconnect. */
export async function findStaleSockets(
  deps: Pick<AppDeps, 'db' | 'config'>,
  sockets: ConnectedSocket[],
): Promise<string[]> {
  if (sockets.length === 0) return [];
  const sessionIds = [...new Set(sockets.map((s) => s.actor.sessionId))];
  const live = new Map<string, LiveSession>();
  for (let i = 0; i < sessionIds.length; i += chunkSize) {
    const chunk = sessionIds.slice(i, i + chunkSize);
    for (const session of await listLiveSessions(deps.db.knex, chunk)) {
      live.set(session.session_id, session);
    }
  }
  const isStale = ({ token, actor }: ConnectedSocket) => {
    try {
      verifyAccessClaims(deps.config.jwt, token);
    } catch {
      return true;
    }
    const session = live.get(actor.sessionId);
    return (
      !session ||
      session.user_id !== actor.userId ||
      session.role !== actor.role ||
      session.passenger_id !== actor.passengerId ||
      session.driver_id !== actor.driverId
    );
  };
  // A token check costs ~30 µs: thousands of them in one go stall the node's event loop (and
  // every event it is emitting) for tens of ms. Slices with a yield in between keep each
  // stall around a millisecond or two.
  const stale: string[] = [];
  for (let i = 0; i < sockets.length; i += verifySliceSize) {
    if (i > 0) await setImmediate();
    for (const socket of sockets.slice(i, i + verifySliceSize)) {
      if (isStale(socket)) stale.push(socket.id);
    }
  }
  return stale;
}
