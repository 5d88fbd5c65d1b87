/** auth endpoints of the contract. */
import type { AppDeps } from '../../../lib/deps.js';
import type { RouteRegistry } from '../route.js';

export function registerAuthRoutes(_routes: RouteRegistry, _deps: AppDeps): void {
  // Filled in by the auth work.
}
