/** Staff accounts (`/api/users/`): admins manage dispatchers and admins, dispatchers read. */
import type { AppDeps } from '../../../lib/deps.js';
import { buildPage } from '../../../lib/pagination/paginate.js';
import {
  createStaffUser,
  deactivateStaffUser,
  getStaffUser,
  listStaffUsers,
  updateStaffUser,
} from '../../../lib/users/manage-staff-users.js';
import {
  createStaffUserSchema,
  staffUserListQuery,
  updateStaffUserSchema,
} from '../../../lib/users/user.schemas.js';
import { staffRoles } from '../middleware/authenticate.js';
import { idParam } from '../route-params.js';
import type { RouteRegistry } from '../route.js';

const tag = 'users';

export function registerUsersRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/users/',
    summary: 'List staff accounts (staff); filter role',
    tag,
    access: staffRoles,
    query: staffUserListQuery,
    handler: async ({ ctx, actor, query }) => {
      const { page, page_size, ...filters } = query;
      const request = { page, page_size };
      const { count, results } = await listStaffUsers(deps, actor, { filters, page: request });
      return buildPage({ url: ctx.href, request, count, results });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/users/:id/',
    summary: 'One staff account (staff); other users are 404 here',
    tag,
    access: staffRoles,
    errors: [404],
    handler: ({ actor, params }) => getStaffUser(deps, actor, { id: idParam(params) }),
  });

  routes.add({
    method: 'post',
    path: '/api/users/',
    summary: 'Create a staff account (admin); they log in by OTP with this phone',
    tag,
    access: ['admin'],
    body: createStaffUserSchema,
    status: 201,
    errors: [409],
    handler: async ({ actor, body }) => (await createStaffUser(deps, actor, body)).user,
  });

  routes.add({
    method: 'patch',
    path: '/api/users/:id/',
    summary: 'Edit a staff account (admin): role, email; is_active: true reactivates',
    tag,
    access: ['admin'],
    body: updateStaffUserSchema,
    errors: [404, 409],
    handler: ({ actor, body, params }) =>
      updateStaffUser(deps, actor, { id: idParam(params), changes: body }),
  });

  routes.add({
    method: 'delete',
    path: '/api/users/:id/',
    summary: 'Deactivate a staff account (admin); its sessions end; the last admin stays',
    tag,
    access: ['admin'],
    status: 204,
    errors: [404, 409],
    handler: async ({ actor, params }) => {
      await deactivateStaffUser(deps, actor, { id: idParam(params) });
      return null;
    },
  });
}
