/** Auth endpoints of the contract: phone login by SMS code, token refresh, logout, sign-up. */
import * as yup from 'yup';
import { authMessages } from '../../../lib/auth/auth-messages.js';
import { registerPassenger } from '../../../lib/auth/register-passenger.js';
import { requestOtp } from '../../../lib/auth/request-otp.js';
import { closeSession, rotateRefreshToken } from '../../../lib/auth/session-tokens.js';
import { verifyOtp } from '../../../lib/auth/verify-otp.js';
import type { AppDeps } from '../../../lib/deps.js';
import { bodyObject } from '../../../lib/validation/parse-input.js';
import { routeAction, type RouteRegistry } from '../route.js';
import { disabilityCategories, mobilityAids } from '../../../lib/passengers/passenger.schemas.js';

const phoneField = () => yup.string().max(32).required();
const tokenField = () => yup.string().max(4096);

export const phoneLoginBody = bodyObject({ phone: phoneField() });
export const verifyOtpBody = bodyObject({
  phone: phoneField(),
  code: yup
    .string()
    .matches(/^\d{6}$/, 'The code is 6 digits')
    .required(),
});
export const refreshBody = bodyObject({ refresh: tokenField().required() });
export const logoutBody = bodyObject({ refresh: tokenField().optional() });
export const registerPassengerBody = bodyObject({
  full_name: yup.string().max(200).matches(/\S/, 'Enter the full name').required(),
  region_id: yup.string().max(64).required(),
  disability_category: yup.string().oneOf(disabilityCategories).required(),
  allowed_companion: yup.boolean().optional(),
  mobility_aid: yup.string().oneOf(mobilityAids).optional(),
});

/** The registration body as the use case takes it (also served by the mobile alias). */
export const registrationOf = (body: yup.InferType<typeof registerPassengerBody>) => ({
  full_name: body.full_name.trim(),
  region_id: body.region_id,
  disability_category: body.disability_category,
  allowed_companion: body.allowed_companion ?? false,
  mobility_aid: body.mobility_aid ?? 'none',
});

/** The auth actions the mobile app's paths serve too (`/api/mobile/auth/…`). */
export function authActions(deps: AppDeps) {
  return {
    phoneLogin: routeAction({
      method: 'post',
      access: 'public',
      body: phoneLoginBody,
      errors: [429, 503],
      handler: ({ ctx, actor, body }) =>
        requestOtp(deps, actor, { phone: body.phone, ip: ctx.ip, locale: ctx.state.locale }),
    }),
    verifyOtp: routeAction({
      method: 'post',
      access: 'public',
      body: verifyOtpBody,
      errors: [403, 429, 503],
      handler: ({ ctx, actor, body }) =>
        verifyOtp(deps, actor, { phone: body.phone, code: body.code, ip: ctx.ip }),
    }),
    logout: routeAction({
      method: 'post',
      access: 'authenticated',
      body: logoutBody,
      handler: async ({ ctx, actor, body }) => {
        await closeSession(deps, actor, { refresh: body.refresh });
        return { message: authMessages.loggedOut[ctx.state.locale] };
      },
    }),
  };
}

export function registerAuthRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const actions = authActions(deps);
  const tag = 'Auth';

  routes.add({
    ...actions.phoneLogin,
    path: '/api/auth/phone-login/',
    summary: 'Send a login code by SMS',
    tag,
  });

  routes.add({
    ...actions.verifyOtp,
    path: '/api/auth/verify-otp/',
    summary: 'Log in with the SMS code; returns tokens and the profile',
    tag,
  });

  routes.add({
    method: 'post',
    path: '/api/auth/refresh/',
    summary: 'Trade a refresh token for a new pair (reuse revokes the session)',
    tag,
    access: 'public',
    body: refreshBody,
    errors: [401],
    handler: ({ actor, body }) => rotateRefreshToken(deps, actor, { refresh: body.refresh }),
  });

  routes.add({
    ...actions.logout,
    path: '/api/auth/logout/',
    summary: 'End the session: its access and refresh tokens stop working at once',
    tag,
  });

  routes.add({
    method: 'post',
    path: '/api/auth/register-passenger/',
    summary: 'Create the passenger profile of a new user',
    tag,
    access: ['passenger'],
    body: registerPassengerBody,
    status: 201,
    errors: [409],
    handler: async ({ actor, body }) => ({
      passenger: await registerPassenger(deps, actor, registrationOf(body)),
    }),
  });
}
