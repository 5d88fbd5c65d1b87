/** Offers: the driver's pending offers and their answers (accept, decline). */
import * as yup from 'yup';
import { acceptOffer, declineOffer } from '../../../lib/dispatch/answer-offer.js';
import { listOwnPendingOffers } from '../../../lib/dispatch/offer-view.js';
import type { AppDeps } from '../../../lib/deps.js';
import { buildPage, paginationQuery, toPageWindow } from '../../../lib/pagination/paginate.js';
import { bodyObject } from '../../../lib/validation/parse-input.js';
import type { RouteRegistry } from '../route.js';
import { idParam } from '../route-params.js';

export const declineBody = bodyObject({ reason: yup.string().trim().max(500).optional() });

export function registerOffersRoutes(routes: RouteRegistry, deps: AppDeps): void {
  routes.add({
    method: 'get',
    path: '/api/drivers/me/offers/',
    response: 'OfferPage',
    summary: "The calling driver's pending offers",
    tag: 'drivers',
    access: ['driver'],
    query: paginationQuery,
    errors: [401, 403],
    handler: async ({ ctx, actor, query }) => {
      // A driver holds at most one pending offer (a unique index), so paging is in memory.
      const offers = await listOwnPendingOffers(deps, actor);
      const window = toPageWindow(query);
      return buildPage({
        url: ctx.href,
        request: query,
        count: offers.length,
        results: offers.slice(window.offset, window.offset + window.limit),
      });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/dispatch/offers/:offer_id/accept/',
    summary: 'Accept an offer (its driver only): the order is assigned to the driver',
    tag: 'dispatch',
    access: ['driver'],
    errors: [401, 403, 404, 409],
    handler: async ({ ctx, actor, params }) => {
      const offerId = idParam(params, 'offer_id');
      return {
        success: true,
        order: await acceptOffer(deps, actor, { offerId, locale: ctx.state.locale }),
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/api/dispatch/offers/:offer_id/decline/',
    summary: 'Decline an offer (its driver only): the order goes to the next candidate',
    tag: 'dispatch',
    access: ['driver'],
    body: declineBody,
    errors: [400, 401, 403, 404, 409],
    handler: async ({ actor, body, params }) => {
      await declineOffer(deps, actor, {
        offerId: idParam(params, 'offer_id'),
        reason: body.reason,
      });
      return { success: true };
    },
  });
}
