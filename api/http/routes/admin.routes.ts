/**
 * The operator's pages under /admin: Bull Board at /admin/queues for every queue of the
 * catalogue, open to staff (dispatcher, admin) only. Browsers sign in at /admin/login by
 * pasting an access token from the OTP login; it is POSTed (never put in a URL) and kept in
 * an HttpOnly, SameSite=Strict cookie scoped to /admin (Secure in production). Scripts may
 * send `Authorization: Bearer` instead. Every request re-checks the token and its session,
 * so a logout or a revoked session closes the board at once.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';
import type { Middleware } from 'koa';
import { authenticateWithStoredSession } from '../../../lib/auth/authenticate-caller.js';
import { isStaff, type UserActor } from '../../../lib/auth/actor.js';
import type { AppDeps } from '../../../lib/deps.js';
import { AppError } from '../../../lib/errors/app-error.js';
import { queueNames } from '../../../lib/queue/queue-names.js';
import type { AppContext, AppState } from '../context.js';
import { errorBody } from '../middleware/error-handler.js';
import { readFormBody } from '../read-form-body.js';

export const adminCookieName = 'invo_admin';
const boardPath = '/admin/queues';

function loginPage(message: string | null): string {
  const notice = message ? `<p role="alert" class="error">${message}</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invo Dispatch: staff sign-in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem}
textarea{width:100%;min-height:7rem;font-family:monospace}.error{color:#b00020}</style></head>
<body><h1>Queues: staff sign-in</h1>${notice}
<p>Sign in with your phone in the dispatcher app (or <code>POST /api/auth/phone-login/</code> then
<code>POST /api/auth/verify-otp/</code>) and paste the <code>access</code> token below.
Only dispatchers and admins may open the queues.</p>
<form method="post" action="/admin/login">
<label for="token">Access token</label>
<textarea id="token" name="token" required autocomplete="off" spellcheck="false"></textarea>
<p><button type="submit">Sign in</button></p></form>
<form method="post" action="/admin/logout"><button type="submit">Sign out</button></form>
<p><a href="/admin/queues/">Open the queues</a></p></body></html>`;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${adminCookieName}=${value}`,
    'Path=/admin',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

const hostOf = (url: string): string | null => {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
};

/**
 * State-changing requests must come from our own pages (SameSite=Strict already helps).
 * `Origin: null` (sandboxed frames, some redirects) and a foreign or unparsable Referer are
 * foreign too; a request with neither header is a script, which holds the token itself.
 */
function assertSameOrigin(ctx: AppContext): void {
  const origin = ctx.get('origin');
  const referer = ctx.get('referer');
  if (origin && hostOf(origin) !== ctx.host) throw new AppError('forbidden');
  if (!origin && referer && hostOf(referer) !== ctx.host) throw new AppError('forbidden');
  if (ctx.get('sec-fetch-site') === 'cross-site') throw new AppError('forbidden');
}

/**
 * A board path that cannot name one of its files: undecodable, a `..` segment (koa-static
 * served the folder above its own), a backslash or a NUL. Refused before the board sees it.
 */
function isMalformedBoardPath(path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.split('/').includes('..') || decoded.includes('\\') || decoded.includes('\u0000');
}

/** Bull Board answers its errors in its own shape (with the stack in development): ours instead. */
function toContractError(ctx: AppContext): void {
  if (ctx.status < 400) return;
  const body = ctx.body as { error?: unknown } | undefined;
  if (body !== null && typeof body === 'object' && typeof body.error === 'string') return;
  const code =
    ctx.status === 400
      ? 'validation_failed'
      : ctx.status === 403
        ? 'forbidden'
        : ctx.status === 404
          ? 'not_found'
          : 'internal_error';
  if (code === 'internal_error') ctx.state.log.error({ status: ctx.status }, 'queue board error');
  const status = ctx.status;
  ctx.body = errorBody(new AppError(code), ctx.state.locale);
  ctx.status = code === 'internal_error' ? 500 : status;
}

async function staffFrom(deps: AppDeps, ctx: AppContext): Promise<UserActor | null> {
  if (ctx.state.actor) return ctx.state.actor; // a valid Bearer header, checked by authenticate
  const token = ctx.cookies.get(adminCookieName);
  if (!token) return null;
  try {
    return await authenticateWithStoredSession(deps, { token });
  } catch (e: unknown) {
    if (!(e instanceof AppError)) throw e;
    ctx.append('Set-Cookie', cookie('', 0, deps.config.isProduction));
    return null;
  }
}

function createQueueBoard(deps: AppDeps): Middleware {
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(boardPath);
  createBullBoard({
    queues: Object.values(queueNames).map((name) => new BullMQAdapter(deps.queues[name])),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Invo Dispatch' } },
  });
  return serverAdapter.registerPlugin({ mount: boardPath });
}

export function adminPages(deps: AppDeps): Middleware<AppState> {
  const board = createQueueBoard(deps);
  const secure = deps.config.isProduction;
  return async (ctx, next) => {
    const c = ctx as AppContext;
    if (ctx.path === '/admin/login' && ctx.method === 'GET') {
      ctx.type = 'text/html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = loginPage(null);
      return;
    }
    if (ctx.path === '/admin/login' && ctx.method === 'POST') {
      assertSameOrigin(c);
      const token = (await readFormBody(ctx.req, 8 * 1024)).get('token')?.trim() ?? '';
      let actor: UserActor | null = null;
      try {
        actor = token ? await authenticateWithStoredSession(deps, { token }) : null;
      } catch (e: unknown) {
        if (!(e instanceof AppError)) throw e;
      }
      ctx.type = 'text/html';
      ctx.set('Cache-Control', 'no-store');
      if (!actor || !isStaff(actor)) {
        ctx.status = actor ? 403 : 401;
        ctx.body = loginPage(actor ? 'This account is not staff.' : 'That token is not valid.');
        return;
      }
      ctx.append('Set-Cookie', cookie(token, deps.config.jwt.accessTtlSeconds, secure));
      ctx.status = 303;
      ctx.redirect(`${boardPath}/`);
      return;
    }
    if (ctx.path === '/admin/logout' && ctx.method === 'POST') {
      assertSameOrigin(c);
      ctx.append('Set-Cookie', cookie('', 0, secure));
      ctx.status = 303;
      ctx.redirect('/admin/login');
      return;
    }
    if (ctx.path !== boardPath && !ctx.path.startsWith(`${boardPath}/`)) {
      await next();
      return;
    }
    const actor = await staffFrom(deps, c);
    if (!actor) {
      // Browsers navigating ask for text/html; the board's own calls and scripts do not.
      if (ctx.method === 'GET' && ctx.get('accept').includes('text/html')) {
        ctx.redirect('/admin/login');
        return;
      }
      throw new AppError('unauthorized');
    }
    if (!isStaff(actor)) throw new AppError('forbidden');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') assertSameOrigin(c);
    if (isMalformedBoardPath(ctx.path)) throw new AppError('not_found');
    ctx.set('Cache-Control', 'no-store');
    await board(ctx, next);
    toContractError(c);
  };
}
