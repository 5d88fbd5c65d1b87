/**
 * fast-check generators of hostile input for the HTTP and socket edges: wrong types, missing
 * and unknown fields, huge and deep values, NUL bytes, prototype keys, extreme numbers and
 * dates, wrong content types, unknown methods. Each request is built from an OpenAPI
 * operation, so every documented operation is covered.
 */
import fc from 'fast-check';

export interface FuzzOperation {
  method: string;
  /** OpenAPI path with `{param}` placeholders. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
}

export interface FuzzRequest {
  method: string;
  path: string;
  contentType: string | null;
  body: string | null;
  auth: 'none' | 'passenger' | 'driver' | 'admin' | 'dispatcher' | 'garbage';
}

/** encodeURIComponent throws on a lone surrogate: such characters become U+FFFD first. */
const wellFormed = (s: string): string =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const prototypeKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
];

/** Values that break naive code: NUL, huge, extreme numbers and dates, odd unicode. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '%00',
    '\ud800',
    '💥',
    '-271821-04-20T00:00:00.000Z',
    '275760-09-13T00:00:00.000Z',
    '2026-13-45T25:61:00Z',
    '0000-01-01T00:00:00Z',
    '1e999',
    '-1e999',
    'NaN',
    'Infinity',
    '-0',
    '9007199254740993',
    'null',
    'true',
    '[]',
    '{}',
    "' OR 1=1 --",
    '../../etc/passwd',
    '+77777777777',
    '111111',
    'x'.repeat(5000),
  ),
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 5e-324, 90.0000001, -180.5),
);

/** A JSON text for a value too big or too deep to be innocent. */
const hugeJsonUpTo = (maxDepth: number) =>
  fc.oneof(
    fc.integer({ min: 17, max: maxDepth }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
    fc.integer({ min: 17, max: maxDepth }).map((d) => '['.repeat(d) + ']'.repeat(d)),
    fc.constant(JSON.stringify({ x: 'y'.repeat(60_000) })),
    fc.constant('1e999'),
  );
const hugeJson = hugeJsonUpTo(3000);

/** Any JSON value, shallow enough to be valid JSON, with nasty leaves. */
const jsonLeaf = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...prototypeKeys)),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** A body object built on the operation's fields: some present, some wrong, some unknown. */
const objectBody = (fields: string[]) =>
  fc
    .record({
      known: fc
        .subarray(fields)
        .chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), jsonValue)))),
      extra: fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...prototypeKeys), fc.string({ maxLength: 10 })),
          jsonValue,
        ),
        { maxLength: 2 },
      ),
    })
    .map(({ known, extra }) => {
      const text = [...known, ...extra].map(
        ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`,
      );
      return `{${text.join(',')}}`;
    });

const bodyFor = (op: FuzzOperation) =>
  fc.oneof(
    { weight: 5, arbitrary: objectBody(op.bodyFields) },
    { weight: 2, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: hugeJson },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":1,}',
        'phone=1',
        '\u0000',
        'null',
        '{"a":"\\u0000"}',
      ),
    },
  );

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/xml',
      'application/vnd.api+json',
    ),
  },
);

const pathValue = fc.oneof(
  fc.constantFrom('1', '2', '999999999', '0', '-1', '1.5', 'me', 'region_1'),
  nastyString.map((s) => encodeURIComponent(wellFormed(s.slice(0, 200)))),
  fc.constantFrom('%00', '%ZZ', '%E0%A4%A', '..%2F..', '%2e%2e'),
);

const queryString = (op: FuzzOperation) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          {
            weight: 4,
            arbitrary:
              op.queryParams.length > 0 ? fc.constantFrom(...op.queryParams) : fc.constant('page'),
          },
          { weight: 1, arbitrary: fc.constantFrom(...prototypeKeys, 'page', 'page_size', 'x') },
        ),
        fc.oneof(nastyString, nastyNumber.map(String)),
      ),
      { maxLength: 4 },
    )
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`).join('&')}`,
    );

const auth = fc.constantFrom<FuzzRequest['auth']>(
  'none',
  'passenger',
  'driver',
  'admin',
  'dispatcher',
  'garbage',
);

export function requestFor(op: FuzzOperation): fc.Arbitrary<FuzzRequest> {
  const hasBody = op.method !== 'get' && op.method !== 'delete';
  return fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(op.method.toUpperCase()) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'LOCK', 'PUT', 'FOO', 'OPTIONS', 'HEAD'),
        },
      ),
      params: fc.tuple(...op.pathParams.map(() => pathValue)),
      query: queryString(op),
      body: hasBody ? fc.option(bodyFor(op), { freq: 8 }) : fc.option(bodyFor(op), { freq: 1 }),
      contentType,
      auth,
    })
    .map(({ method, params, query, body, contentType: type, auth: who }) => {
      let path = op.path;
      op.pathParams.forEach((name, i) => {
        path = path.replace(`{${name}}`, params[i]!);
      });
      return {
        method,
        path: `${path}${query}`,
        contentType: body === null ? null : type,
        body,
        auth: who,
      };
    });
}

/**
 * Socket events and their payloads: the contract's events, unknown ones, and junk. The
 * payload is kept as JSON text (parsed when sent), so fast-check never has to print a value
 * 3,000 levels deep.
 */
export const socketEvent = fc.record({
  event: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('subscribe', 'unsubscribe', 'driver:location') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('constructor', 'toString', 'order_update', 'x'.repeat(300), ''),
    },
  ),
  payloadJson: fc.oneof(
    {
      weight: 4,
      arbitrary: objectBody([
        'order_id',
        'lat',
        'lon',
        'heading',
        'speed',
        'accuracy',
        'recorded_at',
      ]),
    },
    { weight: 2, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'null') },
    // socket.io-client's encoder recurses and overflows past ~1,000 levels, before sending.
    { weight: 1, arbitrary: hugeJsonUpTo(1000) },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  withAck: fc.boolean(),
});
