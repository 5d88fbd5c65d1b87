/** Reads `Authorization: Bearer <access>` and puts the caller in ctx.state.actor. */
import type { Middleware } from 'koa';
import { authenticateWithCachedSession } from '../../../lib/auth/authenticate-caller.js';
import type { UserActor, UserRole } from '../../../lib/auth/actor.js';
import { AppError } from '../../../lib/errors/app-error.js';
import type { AppDeps } from '../../../lib/deps.js';
import type { AppContext, AppState } from '../context.js';

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Authenticates when a token is present; routes decide whether one is required. */
export function authenticate(deps: AppDeps): Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const token = bearerToken(header);
      if (!token) throw new AppError('invalid_token');
      ctx.state.actor = await authenticateWithCachedSession(deps, { token });
    }
    await next();
  };
}

export type Access = 'public' | 'authenticated' | readonly UserRole[];

/** Enforces a route's access rule: 401 without a caller, 403 for a role not allowed. */
export function requireAccess(ctx: AppContext, access: Access): UserActor | undefined {
  if (access === 'public') return ctx.state.actor;
  const actor = ctx.state.actor;
  if (!actor) throw new AppError('unauthorized');
  if (access !== 'authenticated' && !access.includes(actor.role)) throw new AppError('forbidden');
  return actor;
}

export { staffRoles } from '../../../lib/auth/actor.js';
