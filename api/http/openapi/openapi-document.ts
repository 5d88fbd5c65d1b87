/** Builds the OpenAPI 3.1 document from the registered route specs and their yup schemas. */
import type { AnyRouteSpec } from '../route.js';
import { maxInputDepth } from '../../../lib/validation/input-limits.js';
import { yupToJsonSchema, type JsonSchema } from './yup-to-json-schema.js';

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error', 'code'],
  properties: {
    error: { type: 'string', description: 'Human message in the language of Accept-Language' },
    code: { type: 'string', description: 'Stable machine-readable code' },
    fields: {
      type: 'object',
      additionalProperties: { type: 'array', items: { type: 'string' } },
    },
  },
};

const statusText: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted, still in progress',
  400: 'Bad input',
  401: 'No, invalid or revoked token',
  403: 'Role not allowed',
  404: 'Unknown id, or outside the caller’s scope',
  409: 'State conflict',
  405: 'Method not allowed',
  413: 'Body too large',
  415: 'Body is not JSON',
  429: 'Rate limited',
  503: 'A dependency is down',
};

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function operation(spec: AnyRouteSpec): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const match of spec.path.matchAll(/:([A-Za-z_]+)/g)) {
    parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  if (spec.query) {
    const query = yupToJsonSchema(spec.query) as { properties?: Record<string, JsonSchema> };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      parameters.push({ name, in: 'query', required: false, schema });
    }
  }
  for (const header of spec.headers ?? []) {
    parameters.push({
      name: header.name,
      in: 'header',
      description: header.description,
      schema: { type: 'string' },
    });
  }
  const success = spec.status ?? 200;
  const responses: Record<string, unknown> = {
    [success]: {
      description: statusText[success] ?? 'OK',
      ...(spec.fileResponse
        ? {
            content: Object.fromEntries(
              spec.fileResponse.map((type) => [
                type,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          }
        : {}),
      ...(spec.response
        ? {
            content: {
              'application/json': { schema: { $ref: `#/components/schemas/${spec.response}` } },
            },
          }
        : {}),
    },
  };
  const errors = new Set([
    400,
    ...(spec.access === 'public' ? [] : [401, 403]),
    ...(spec.body ? [415] : []),
    ...(spec.errors ?? []),
  ]);
  for (const status of errors) {
    responses[status] = {
      description: statusText[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const access =
    spec.access === 'public'
      ? 'Public.'
      : spec.access === 'authenticated'
        ? 'Any authenticated user.'
        : `Roles: ${spec.access.join(', ')}.`;
  return {
    tags: [spec.tag],
    summary: spec.summary,
    description: access,
    ...(spec.access === 'public' ? {} : { security: [{ bearer: [] }] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: yupToJsonSchema(spec.body) } },
          },
        }
      : {}),
    ...(spec.fileBody
      ? {
          requestBody: {
            required: true,
            description: spec.fileBody.description,
            content: Object.fromEntries(
              spec.fileBody.mediaTypes.map((type) => [
                type,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(
  specs: AnyRouteSpec[],
  componentSchemas: Record<string, JsonSchema> = {},
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = toOpenApiPath(spec.path);
    (paths[path] ??= {})[spec.method] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Invo Dispatch API',
      version: '0.1.0',
      description:
        'Dispatch of accessible taxi and paratransit rides. Paths also work without the final `/`. ' +
        'Every error is `{error, code}` (see Error). Input is refused with 400 before validation ' +
        `when nested deeper than ${maxInputDepth} levels or holding a NUL character or a ` +
        'non-finite number; ' +
        'write bodies must be JSON (415); methods no path serves are 405.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: errorSchema, ...componentSchemas },
    },
    paths,
  };
}
