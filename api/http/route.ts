/**
 * How routes are declared: one spec gives the Koa route (access check, input parsing, result
 * mapping) and its OpenAPI operation, so the document cannot drift from what is enforced.
 */
import type * as yup from 'yup';
import type { UserActor } from '../../lib/auth/actor.js';
import { assertSafeInput } from '../../lib/validation/input-limits.js';
import { parseInput } from '../../lib/validation/parse-input.js';
import type { AppContext, AppRouter } from './context.js';
import { requireAccess, type Access } from './middleware/authenticate.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

type Schema = yup.AnyObjectSchema;
type Out<S> = S extends Schema ? yup.InferType<S> : undefined;
type ActorFor<A> = A extends 'public' ? UserActor | undefined : UserActor;

export interface RouteSpec<
  A extends Access,
  B extends Schema | undefined,
  Q extends Schema | undefined,
> {
  method: Method;
  /** Koa path with `:params`, ending in `/` as the contract does. */
  path: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  query?: Q;
  /** Status on success (default 200) and the documented error statuses. */
  status?: number;
  errors?: number[];
  /** Name of a response schema in the OpenAPI components, or a description. */
  response?: string;
  headers?: { name: string; description: string }[];
  /** A raw file body (the handler reads it) instead of JSON: its media types for OpenAPI. */
  fileBody?: { mediaTypes: string[]; description: string };
  /** A file answer instead of JSON: its media types for OpenAPI. */
  fileResponse?: string[];
  handler: (input: {
    ctx: AppContext;
    actor: ActorFor<A>;
    body: Out<B>;
    query: Out<Q>;
    params: Record<string, string>;
  }) => Promise<unknown>;
}

export type AnyRouteSpec = RouteSpec<Access, Schema | undefined, Schema | undefined>;

/**
 * What a route does, without where it is: one action registered under its own path and
 * under an alias (the mobile app's paths) answers the same, from one definition.
 */
export type RouteAction<
  A extends Access,
  B extends Schema | undefined,
  Q extends Schema | undefined,
> = Omit<RouteSpec<A, B, Q>, 'path' | 'summary' | 'tag'>;

export const routeAction = <
  A extends Access,
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
>(
  action: RouteAction<A, B, Q>,
): RouteAction<A, B, Q> => action;

/**
 * A handler's answer when the status depends on the outcome (e.g. 200 for an idempotent
 * replay instead of 201, 202 while a decision is pending); plain values use `spec.status`.
 */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface RouteRegistry {
  add<
    A extends Access,
    B extends Schema | undefined = undefined,
    Q extends Schema | undefined = undefined,
  >(
    spec: RouteSpec<A, B, Q>,
  ): void;
  readonly specs: AnyRouteSpec[];
}

export function createRouteRegistry(router: AppRouter): RouteRegistry {
  const specs: AnyRouteSpec[] = [];
  return {
    specs,
    add(spec) {
      specs.push(spec);
      router[spec.method](spec.path, async (ctx: AppContext) => {
        // API answers hold personal data (names, phones, positions): never kept by a cache.
        ctx.set('Cache-Control', 'no-store');
        assertSafeInput(ctx.params);
        const actor = requireAccess(ctx, spec.access) as ActorFor<typeof spec.access>;
        const body = (spec.body ? parseInput(spec.body, ctx.request.body) : undefined) as never;
        const query = (spec.query ? parseInput(spec.query, ctx.query) : undefined) as never;
        const result = await spec.handler({ ctx, actor, body, query, params: ctx.params });
        ctx.status = result instanceof Reply ? result.status : (spec.status ?? 200);
        ctx.body = result instanceof Reply ? result.body : result;
      });
    },
  };
}
