/**
 * The fast "yes" of parseInput may only accept what yup accepts, unchanged: random bodies
 * (near the bounds, of the wrong type, null, absent, good and bad timestamps) are judged by
 * both, and every fast acceptance must be a yup acceptance returning the same value.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as yup from 'yup';
import { onlineStatusSchema } from '../../lib/drivers/driver.schemas.js';
import { driverLocationSchema } from '../../lib/drivers/update-driver-location.js';
import { isFastAccepted } from '../../lib/validation/fast-accept.js';
import { bodyObject, parseInput } from '../../lib/validation/parse-input.js';
import { suiteSeed } from '../helpers/seeded-random.js';

const seed = suiteSeed();

const anyValue = fc.oneof(
  fc.constantFrom(-360, -180.5, -180, -90.1, -90, -1, -0, 0, 1e-9, 89.99, 90, 90.1, 180, 360, 361),
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.constantFrom(null, undefined, true, false, '', 'x', '47.1', [], {}),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '2026-12-02T07:00:00Z',
    '2026-12-02T07:00:00.123+05:00',
    '2026-12-02T07:00:00',
    '2026-12-02',
    '2026-13-02T07:00:00Z',
    'yesterday',
  ),
  fc.string(),
);

/**
 * Random bodies, and where the schema has a fast path also bodies built valid (a random
 * dictionary seldom gets every required field right, so without them whether the fast path is
 * reached at all would depend on the seed).
 */
function bodiesOf(schema: yup.AnyObjectSchema, valid?: fc.Arbitrary<Record<string, unknown>>) {
  const keys = Object.keys(schema.fields as object);
  const random = fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });
  return valid ? fc.oneof(random, valid) : random;
}

const validReport = fc.record(
  {
    lat: fc.double({ min: -90, max: 90, noNaN: true }),
    lon: fc.double({ min: -180, max: 180, noNaN: true }),
    heading: fc.option(fc.double({ min: 0, max: 360, noNaN: true })),
    recorded_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  },
  { requiredKeys: ['lat', 'lon'] },
);

/** What yup says of the body: the value it returns, or that it refuses it. */
function yupVerdict(schema: yup.AnySchema, body: unknown): { value: unknown } | 'refused' {
  try {
    return { value: schema.validateSync(body, { abortEarly: false, stripUnknown: false }) };
  } catch (e: unknown) {
    if (e instanceof yup.ValidationError) return 'refused';
    throw e;
  }
}

const schemas: [string, yup.AnyObjectSchema, boolean, fc.Arbitrary<Record<string, unknown>>?][] = [
  ['the position report', driverLocationSchema, true, validReport],
  [
    'a required string with a length',
    bodyObject({ code: yup.string().min(4).required() }),
    true,
    fc.record({ code: fc.string({ minLength: 4 }) }),
  ],
  ['an integer (no fast path)', bodyObject({ n: yup.number().integer() }), false],
  ['a positive number (no fast path)', bodyObject({ n: yup.number().positive() }), false],
  ['a boolean (no fast path)', onlineStatusSchema, false],
  ['a non-strict object (no fast path)', yup.object({ n: yup.number() }).noUnknown(), false],
];

describe('the fast acceptance of parseInput against yup', () => {
  for (const [what, schema, hasFastPath, valid] of schemas) {
    it(`when bodies for ${what} are judged, then every fast "yes" is yup's "yes" with the same value (seed ${seed})`, () => {
      let fast = 0;
      let refused = 0;
      fc.assert(
        fc.property(bodiesOf(schema, valid), (body) => {
          const verdict = yupVerdict(schema, body);
          if (verdict === 'refused') refused++;
          if (!isFastAccepted(schema, body)) return;
          fast++;
          expect(verdict, JSON.stringify(body)).to.not.equal('refused');
          expect(parseInput(schema, body)).to.deep.equal((verdict as { value: unknown }).value);
        }),
        { numRuns: 3000, seed },
      );
      // Not vacuous: the generator reaches both sides, and the fast path is taken where it exists.
      expect(refused).to.be.greaterThan(0);
      if (hasFastPath) expect(fast).to.be.greaterThan(0);
      else expect(fast).to.equal(0);
    });
  }

  it('when a report is valid, then parseInput returns it as it came', () => {
    const body = { lat: 47.1, lon: 51.9, heading: null, recorded_at: '2026-12-02T07:00:00Z' };
    expect(isFastAccepted(driverLocationSchema, body)).to.equal(true);
    expect(parseInput(driverLocationSchema, body)).to.equal(body);
  });
});
