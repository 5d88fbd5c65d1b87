/** drivers endpoints of the contract (except `me/offers/`, in offers.routes), and their back office. */
import type { AppDeps } from '../../../lib/deps.js';
import {
  createDriverSchema,
  driverListQuery,
  onlineStatusSchema,
  updateDriverSchema,
} from '../../../lib/drivers/driver.schemas.js';
import {
  createDriver,
  deactivateDriver,
  updateDriver,
} from '../../../lib/drivers/manage-drivers.js';
import { getDriver, getOwnDriver, listDrivers } from '../../../lib/drivers/read-drivers.js';
import { listTripsToday } from '../../../lib/drivers/trips-today.js';
import { setDriverOnline } from '../../../lib/drivers/set-driver-online.js';
import {
  driverLocationSchema,
  updateDriverLocation,
} from '../../../lib/drivers/update-driver-location.js';
import { buildPage } from '../../../lib/pagination/paginate.js';
import { staffRoles } from '../middleware/authenticate.js';
import { idParam } from '../route-params.js';
import type { RouteRegistry } from '../route.js';

const tag = 'drivers';

export function registerDriversRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/drivers/',
    response: 'DriverPage',
    summary: 'List drivers (staff); filters is_online, status, region_id',
    tag,
    access: staffRoles,
    query: driverListQuery,
    handler: async ({ ctx, actor, query }) => {
      const { page, page_size, ...filters } = query;
      const request = { page, page_size };
      const { count, results } = await listDrivers(deps, actor, { filters, page: request });
      return buildPage({ url: ctx.href, request, count, results });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/drivers/trips-today/',
    summary:
      'Trips today per driver (staff): {trips_today: {driver_id: n}}, drivers with none left out',
    tag,
    access: staffRoles,
    handler: () => listTripsToday(deps),
  });

  // Before `:id/`, so that `me` is never read as an id.
  routes.add({
    method: 'get',
    path: '/api/drivers/me/',
    response: 'Driver',
    summary: 'The calling driver',
    tag,
    access: ['driver'],
    handler: ({ actor }) => getOwnDriver(deps, actor),
  });

  routes.add({
    method: 'get',
    path: '/api/drivers/:id/',
    response: 'Driver',
    summary: 'One driver (the driver themself or staff; other drivers 404)',
    tag,
    access: ['driver', ...staffRoles],
    errors: [404],
    handler: ({ actor, params }) => getDriver(deps, actor, { id: idParam(params) }),
  });

  routes.add({
    method: 'patch',
    path: '/api/drivers/:id/location/',
    response: 'Driver',
    summary:
      'Report a position (the driver themself). Range-checked; a point older than the stored one is ignored (200, driver unchanged)',
    tag,
    access: ['driver'],
    body: driverLocationSchema,
    errors: [404],
    handler: async ({ actor, body, params }) =>
      (await updateDriverLocation(deps, actor, { driverId: idParam(params), point: body })).driver,
  });

  routes.add({
    method: 'patch',
    path: '/api/drivers/:id/online-status/',
    response: 'Driver',
    summary:
      'Go online or offline (the driver themself); offline is 409 while holding an offer or an active trip',
    tag,
    access: ['driver'],
    body: onlineStatusSchema,
    errors: [404, 409],
    handler: ({ actor, body, params }) =>
      setDriverOnline(deps, actor, { driverId: idParam(params), isOnline: body.is_online }),
  });

  routes.add({
    method: 'post',
    path: '/api/drivers/',
    response: 'Driver',
    summary: 'Create a driver and their login user (admin)',
    tag,
    access: ['admin'],
    body: createDriverSchema,
    status: 201,
    errors: [409],
    handler: ({ actor, body }) => createDriver(deps, actor, body),
  });

  routes.add({
    method: 'patch',
    path: '/api/drivers/:id/',
    response: 'Driver',
    summary: 'Edit a driver (admin); is_active: true reactivates',
    tag,
    access: ['admin'],
    body: updateDriverSchema,
    errors: [404, 409],
    handler: ({ actor, body, params }) =>
      updateDriver(deps, actor, { id: idParam(params), changes: body }),
  });

  routes.add({
    method: 'delete',
    path: '/api/drivers/:id/',
    summary: 'Deactivate a driver and their login (admin); 409 while on an offer or active order',
    tag,
    access: ['admin'],
    status: 204,
    errors: [404, 409],
    handler: async ({ actor, params }) => {
      await deactivateDriver(deps, actor, { id: idParam(params) });
      return null;
    },
  });
}
