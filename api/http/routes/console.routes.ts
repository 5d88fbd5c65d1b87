/**
 * The dispatcher console at /console/: the static files Vite built into console/dist (no CDN:
 * everything the page loads comes from here, realtime and the tile server it is told about),
 * its run-time settings at /console/config.json, and index.html for every other path below
 * /console/ so the single-page app's own links survive a reload. The page needs no auth
 * itself: every piece of data behind it comes from the API with the staff member's token.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import type { Config } from '../../../lib/config/config.js';
import type { AppState } from '../context.js';
import { contentSecurityPolicy } from '../middleware/security-headers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// From source (api/http/routes) and from the build (dist/api/http/routes).
const distCandidates = [
  path.resolve(here, '../../../console/dist'),
  path.resolve(here, '../../../../console/dist'),
];

export const consoleDistDir = (): string | undefined =>
  distCandidates.find((dir) => existsSync(path.join(dir, 'index.html')));

const types: Record<string, string> = {
  '.js': 'application/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

const originOf = (url: string): string | null => {
  try {
    return new URL(url.replace(/\{[a-z]\}/g, 'a')).origin;
  } catch {
    return null;
  }
};

/** Where the browser reaches realtime: the setting, or this host on REALTIME_PORT. */
function realtimeUrlFor(config: Config, protocol: string, hostname: string): string {
  if (config.console.realtimeUrl !== '') return config.console.realtimeUrl;
  return `${protocol}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${config.realtime.port}`;
}

/** The API's policy, opened only to the realtime origin and the tile server. */
function consolePolicy(realtimeUrl: string, tileUrl: string): string {
  const realtime = originOf(realtimeUrl);
  const tiles = tileUrl === '' ? null : originOf(tileUrl);
  const socket = realtime?.replace(/^http/, 'ws');
  return contentSecurityPolicy
    .replace(
      "connect-src 'self'",
      ['connect-src', "'self'", realtime, socket].filter(Boolean).join(' '),
    )
    .replace(
      "img-src 'self' data:",
      ['img-src', "'self'", 'data:', tiles].filter(Boolean).join(' '),
    );
}

export function consolePages(config: Config): Middleware<AppState> {
  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !ctx.path.startsWith('/console')) {
      await next();
      return;
    }
    if (ctx.path === '/console') {
      ctx.redirect('/console/');
      return;
    }
    if (!ctx.path.startsWith('/console/')) {
      await next();
      return;
    }

    const realtimeUrl = realtimeUrlFor(config, ctx.protocol, ctx.hostname);
    ctx.set('Content-Security-Policy', consolePolicy(realtimeUrl, config.console.tileUrl));
    if (ctx.path === '/console/config.json') {
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = {
        tile_url: config.console.tileUrl,
        realtime_url: realtimeUrl,
        position_fresh_seconds: config.dispatch.positionFreshSeconds,
      };
      return;
    }
    const dist = consoleDistDir();
    if (!dist) {
      ctx.status = 503;
      ctx.type = 'text/plain';
      ctx.body = 'The console is not built: run `npm run build:console`.\n';
      return;
    }
    const relative = path.normalize(decodeURIComponent(ctx.path.slice('/console/'.length)));
    const file = path.join(dist, relative);
    const type = types[path.extname(relative)];
    if (relative.startsWith('assets/') && type && file.startsWith(dist) && existsSync(file)) {
      // Vite puts a content hash in every asset name: safe to keep for a year.
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.type = type;
      ctx.body = await readFile(file);
      return;
    }
    if (relative.startsWith('assets/')) {
      await next();
      return;
    }
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = 'text/html';
    ctx.body = await readFile(path.join(dist, 'index.html'));
  };
}
