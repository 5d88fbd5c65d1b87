/**
 * The later Invo Taxi app's `/api/mobile/*` paths, in their own router module: aliases of our
 * endpoints in the original's field names. The list of every path and its counterpart is in
 * docs/migrating-from-invo-taxi.md.
 */
import type { AppDeps } from '../../../../lib/deps.js';
import type { RouteRegistry } from '../../route.js';
import { registerMobileAccountRoutes } from './mobile-accounts.routes.js';
import { registerMobileWorkRoutes } from './mobile-work.routes.js';

export function registerMobileRoutes(routes: RouteRegistry, deps: AppDeps): void {
  registerMobileAccountRoutes(routes, deps);
  registerMobileWorkRoutes(routes, deps);
}
