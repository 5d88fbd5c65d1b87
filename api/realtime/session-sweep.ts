/**
 * Every few seconds, drops this node's sockets whose login no longer holds (expired token,
 * revoked session, changed profile); the client's reconnect then meets the handshake.
 */
import type { AppDeps } from '../../lib/deps.js';
import { findStaleSockets } from '../../lib/realtime/find-stale-sockets.js';
import { handshakeToken } from './handshake.js';
import type { RealtimeIo } from './server.js';

export function startSessionSweep(io: RealtimeIo, deps: AppDeps): { stop(): void } {
  const intervalMs = deps.config.realtime.sessionCheckSeconds * 1000;
  if (intervalMs === 0) return { stop: () => {} };
  let running = false;
  const sweep = async () => {
    const sockets = [...io.of('/').sockets.values()];
    const stale = await findStaleSockets(
      deps,
      sockets.map((s) => ({ id: s.id, token: handshakeToken(s), actor: s.data.actor })),
    );
    for (const id of stale) io.of('/').sockets.get(id)?.disconnect(true);
    if (stale.length > 0) deps.logger.info({ count: stale.length }, 'dropped stale sockets');
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep()
      .catch((e: unknown) => deps.logger.warn({ err: e }, 'session sweep failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
