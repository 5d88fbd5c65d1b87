/**
 * `/api/mobile/auth/`, `/api/mobile/passengers/`, `/api/mobile/drivers/`: the later Invo Taxi
 * app's paths, as thin aliases of our endpoints (same use cases, same checks), answering in
 * the original's field names. See docs/migrating-from-invo-taxi.md for every difference.
 */
import * as yup from 'yup';
import { registerPassenger } from '../../../../lib/auth/register-passenger.js';
import { rotateRefreshToken } from '../../../../lib/auth/session-tokens.js';
import type { AppDeps } from '../../../../lib/deps.js';
import { onlineStatusSchema } from '../../../../lib/drivers/driver.schemas.js';
import { getOwnDriver } from '../../../../lib/drivers/read-drivers.js';
import { setDriverOnline } from '../../../../lib/drivers/set-driver-online.js';
import {
  driverLocationSchema,
  updateDriverLocation,
} from '../../../../lib/drivers/update-driver-location.js';
import { updateOwnPassenger } from '../../../../lib/passengers/manage-passengers.js';
import { updateOwnPassengerSchema } from '../../../../lib/passengers/passenger.schemas.js';
import { getOwnPassenger } from '../../../../lib/passengers/read-passengers.js';
import type { RouteRegistry } from '../../route.js';
import { authActions, refreshBody, registerPassengerBody, registrationOf } from '../auth.routes.js';
import { mobileMessages } from './mobile-views.js';

export const mobileTag = 'mobile (aliases of the original Invo Taxi app)';

export function registerMobileAccountRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const auth = authActions(deps);
  const tag = mobileTag;
  const driverId = (actor: { driverId: number | null }) => actor.driverId ?? 0;

  routes.add({
    ...auth.phoneLogin,
    path: '/api/mobile/auth/phone-login/',
    summary: 'Alias of POST /api/auth/phone-login/',
    tag,
  });

  routes.add({
    ...auth.verifyOtp,
    path: '/api/mobile/auth/verify-otp/',
    summary: 'Alias of POST /api/auth/verify-otp/',
    tag,
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/auth/register-passenger/',
    summary: 'Alias of POST /api/auth/register-passenger/; answers {success, message, passenger}',
    tag,
    access: ['passenger'],
    body: registerPassengerBody,
    status: 201,
    errors: [404, 409],
    handler: async ({ ctx, actor, body }) => ({
      success: true,
      message: mobileMessages.passengerRegistered![ctx.state.locale],
      passenger: await registerPassenger(deps, actor, registrationOf(body)),
    }),
  });

  routes.add({
    method: 'post',
    path: '/api/mobile/auth/refresh-token/',
    summary:
      'Refresh as POST /api/auth/refresh/ ({access, refresh}), with a reuse grace: the spent token works again within REFRESH_REUSE_GRACE_SECONDS of its last use while no later token was used',
    tag,
    access: 'public',
    body: refreshBody,
    errors: [401],
    handler: ({ actor, body }) =>
      rotateRefreshToken(deps, actor, { refresh: body.refresh, reuseGrace: true }),
  });

  routes.add({
    ...auth.logout,
    path: '/api/mobile/auth/logout/',
    summary: 'Alias of POST /api/auth/logout/',
    tag,
  });

  routes.add({
    method: 'get',
    path: '/api/mobile/passengers/profile/',
    response: 'Passenger',
    summary: 'Alias of GET /api/passengers/me/',
    tag,
    access: ['passenger'],
    handler: ({ actor }) => getOwnPassenger(deps, actor),
  });

  routes.add({
    method: 'patch',
    path: '/api/mobile/passengers/profile/',
    response: 'Passenger',
    summary: 'Alias of PATCH /api/passengers/me/',
    tag,
    access: ['passenger'],
    body: updateOwnPassengerSchema,
    errors: [404],
    handler: ({ actor, body }) => updateOwnPassenger(deps, actor, body),
  });

  routes.add({
    method: 'get',
    path: '/api/mobile/drivers/profile/',
    response: 'Driver',
    summary: 'Alias of GET /api/drivers/me/',
    tag,
    access: ['driver'],
    handler: ({ actor }) => getOwnDriver(deps, actor),
  });

  routes.add({
    method: 'patch',
    path: '/api/mobile/drivers/location/',
    response: 'Driver',
    summary: 'Alias of PATCH /api/drivers/{own id}/location/',
    tag,
    access: ['driver'],
    body: driverLocationSchema,
    errors: [404],
    handler: async ({ actor, body }) =>
      (await updateDriverLocation(deps, actor, { driverId: driverId(actor), point: body })).driver,
  });

  routes.add({
    method: 'patch',
    path: '/api/mobile/drivers/online-status/',
    response: 'Driver',
    summary: 'Alias of PATCH /api/drivers/{own id}/online-status/',
    tag,
    access: ['driver'],
    body: onlineStatusSchema,
    errors: [404, 409],
    handler: ({ actor, body }) =>
      setDriverOnline(deps, actor, { driverId: driverId(actor), isOnline: body.is_online }),
  });
}

/** Query of the original's `orders/` lists: `status` (comma list) and `limit` (20). */
export const mobileOrdersQuery = yup
  .object({
    status: yup.string().max(500),
    limit: yup.number().integer().min(1).max(100).default(20),
  })
  .noUnknown('This parameter is not allowed');
