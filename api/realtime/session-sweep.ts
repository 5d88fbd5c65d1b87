/**
 * Every few seconds, and at once when a logout is announced, drops this node's sockets whose
 * login no longer holds (expired token, revoked session, changed profile); the client's
 * reconnect then meets the handshake.
 */
import type { AppDeps } from '../../lib/deps.js';
import { findStaleSockets, type ConnectedSocket } from '../../lib/realtime/find-stale-sockets.js';
import { subscribeSessionsRevoked } from '../../lib/realtime/session-revocations.js';
import { handshakeToken } from './handshake.js';
import type { RealtimeIo } from './server.js';

/** Other long-lived connections checked by the same sweep (the plain WebSocket routes). */
export interface SweptConnections {
  list(): ConnectedSocket[];
  drop(ids: string[]): void;
}

export function startSessionSweep(
  io: RealtimeIo,
  deps: AppDeps,
  others: SweptConnections[] = [],
): { stop(): void } {
  const intervalMs = deps.config.realtime.sessionCheckSeconds * 1000;
  if (intervalMs === 0) return { stop: () => {} };
  let running = false;
  let again = false;
  const sweep = async () => {
    const sockets = [...io.of('/').sockets.values()];
    const stale = await findStaleSockets(deps, [
      ...sockets.map((s) => ({ id: s.id, token: handshakeToken(s), actor: s.data.actor })),
      ...others.flatMap((connections) => connections.list()),
    ]);
    for (const id of stale) io.of('/').sockets.get(id)?.disconnect(true);
    for (const connections of others) connections.drop(stale);
    if (stale.length > 0) deps.logger.info({ count: stale.length }, 'dropped stale sockets');
  };
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    sweep()
      .catch((e: unknown) => deps.logger.warn({ err: e }, 'session sweep failed'))
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  // A logout anywhere: check now instead of at the next tick.
  const revocations = subscribeSessionsRevoked(deps.config.redis, run, (e: unknown) =>
    deps.logger.warn({ err: e }, 'revocation channel error'),
  );
  revocations.ready.catch((e: unknown) => {
    deps.logger.warn({ err: e }, 'revocation channel unavailable; the sweep remains');
  });
  return {
    stop: () => {
      clearInterval(timer);
      void revocations.close();
    },
  };
}
