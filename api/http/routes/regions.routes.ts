/** regions endpoints of the contract: public reads, admin writes. */
import * as yup from 'yup';
import type { AppDeps } from '../../../lib/deps.js';
import { buildPage, listQuery } from '../../../lib/pagination/paginate.js';
import { createRegionSchema, updateRegionSchema } from '../../../lib/regions/region.schemas.js';
import {
  createRegion,
  deactivateRegion,
  getRegion,
  listRegions,
  updateRegion,
} from '../../../lib/regions/manage-regions.js';
import type { RouteRegistry } from '../route.js';
import { stringIdParam } from '../route-params.js';

const tag = 'regions';
const regionListQuery = listQuery({
  include_inactive: yup.boolean().meta({ description: 'Staff only: list deactivated ones too' }),
});

export function registerRegionsRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/regions/',
    response: 'RegionPage',
    summary: 'List active regions (paginated)',
    tag,
    access: 'public',
    query: regionListQuery,
    errors: [400, 403],
    handler: async ({ ctx, actor, query }) => {
      const { include_inactive, ...page } = query;
      const { count, results } = await listRegions(deps, actor, { include_inactive, page });
      return buildPage({ url: ctx.href, request: page, count, results });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/regions/:id/',
    response: 'Region',
    summary: 'One region (deactivated ones are 404 except to staff)',
    tag,
    access: 'public',
    errors: [404],
    handler: ({ actor, params }) => getRegion(deps, actor, { id: stringIdParam(params) }),
  });

  routes.add({
    method: 'post',
    path: '/api/regions/',
    response: 'Region',
    summary: 'Create a region (admin)',
    tag,
    access: ['admin'],
    body: createRegionSchema,
    status: 201,
    errors: [400, 401, 403, 409],
    handler: ({ actor, body }) => createRegion(deps, actor, body),
  });

  routes.add({
    method: 'patch',
    path: '/api/regions/:id/',
    response: 'Region',
    summary: 'Edit a region (admin); is_active: true reactivates it',
    tag,
    access: ['admin'],
    body: updateRegionSchema,
    errors: [400, 401, 403, 404],
    handler: ({ actor, body, params }) =>
      updateRegion(deps, actor, { id: stringIdParam(params), changes: body }),
  });

  routes.add({
    method: 'delete',
    path: '/api/regions/:id/',
    summary: 'Deactivate a region (admin); history and references are kept',
    tag,
    access: ['admin'],
    status: 204,
    errors: [401, 403, 404],
    handler: async ({ actor, params }) => {
      await deactivateRegion(deps, actor, { id: stringIdParam(params) });
      return null;
    },
  });
}
