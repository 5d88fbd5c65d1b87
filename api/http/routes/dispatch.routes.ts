/** dispatch endpoints of the contract. */
import type { AppDeps } from '../../../lib/deps.js';
import type { RouteRegistry } from '../route.js';

export function registerDispatchRoutes(_routes: RouteRegistry, _deps: AppDeps): void {
  // Filled in by the dispatch work.
}
