/** passengers endpoints of the contract, and their back office (admin writes). */
import type { AppDeps } from '../../../lib/deps.js';
import {
  createPassenger,
  deactivatePassenger,
  updateOwnPassenger,
  updatePassenger,
} from '../../../lib/passengers/manage-passengers.js';
import {
  createPassengerSchema,
  passengerListQuery,
  updateOwnPassengerSchema,
  updatePassengerSchema,
} from '../../../lib/passengers/passenger.schemas.js';
import {
  getOwnPassenger,
  getPassenger,
  listPassengers,
} from '../../../lib/passengers/read-passengers.js';
import { buildPage } from '../../../lib/pagination/paginate.js';
import { staffRoles } from '../middleware/authenticate.js';
import { idParam } from '../route-params.js';
import type { RouteRegistry } from '../route.js';

const tag = 'passengers';

export function registerPassengersRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/passengers/',
    response: 'PassengerPage',
    summary: 'List passengers (staff); ?phone= in any spelling',
    tag,
    access: staffRoles,
    query: passengerListQuery,
    handler: async ({ ctx, actor, query }) => {
      const { page, page_size, ...filters } = query;
      const request = { page, page_size };
      const { count, results } = await listPassengers(deps, actor, { filters, page: request });
      return buildPage({ url: ctx.href, request, count, results });
    },
  });

  // Before `:id/`, so that `me` is never read as an id.
  routes.add({
    method: 'get',
    path: '/api/passengers/me/',
    response: 'Passenger',
    summary: "The calling passenger's own profile",
    tag,
    access: ['passenger'],
    errors: [403],
    handler: ({ actor }) => getOwnPassenger(deps, actor),
  });

  routes.add({
    method: 'patch',
    path: '/api/passengers/me/',
    response: 'Passenger',
    summary:
      'Edit own profile: full_name, region_id, allowed_companion, mobility_aid, disability_category',
    tag,
    access: ['passenger'],
    body: updateOwnPassengerSchema,
    errors: [403],
    handler: ({ actor, body }) => updateOwnPassenger(deps, actor, body),
  });

  routes.add({
    method: 'get',
    path: '/api/passengers/:id/',
    response: 'Passenger',
    summary: 'One passenger (the passenger themself or staff; others 404)',
    tag,
    access: ['passenger', ...staffRoles],
    errors: [404],
    handler: ({ actor, params }) => getPassenger(deps, actor, { id: idParam(params) }),
  });

  routes.add({
    method: 'post',
    path: '/api/passengers/',
    response: 'Passenger',
    summary: 'Create a passenger and their login user (admin)',
    tag,
    access: ['admin'],
    body: createPassengerSchema,
    status: 201,
    errors: [409],
    handler: ({ actor, body }) => createPassenger(deps, actor, body),
  });

  routes.add({
    method: 'patch',
    path: '/api/passengers/:id/',
    response: 'Passenger',
    summary: 'Edit a passenger (admin); is_active: true reactivates',
    tag,
    access: ['admin'],
    body: updatePassengerSchema,
    errors: [404, 409],
    handler: ({ actor, body, params }) =>
      updatePassenger(deps, actor, { id: idParam(params), changes: body }),
  });

  routes.add({
    method: 'delete',
    path: '/api/passengers/:id/',
    summary: 'Deactivate a passenger and their login (admin); 409 while an order is open',
    tag,
    access: ['admin'],
    status: 204,
    errors: [404, 409],
    handler: async ({ actor, params }) => {
      await deactivatePassenger(deps, actor, { id: idParam(params) });
      return null;
    },
  });
}
