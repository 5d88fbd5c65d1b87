import { expect } from 'chai';
import { driverLocationSchema } from '../../lib/drivers/update-driver-location.js';
import { onlineStatusSchema } from '../../lib/drivers/driver.schemas.js';
import { AppError } from '../../lib/errors/app-error.js';
import { parseInput } from '../../lib/validation/parse-input.js';

const fieldsOf = (schema: Parameters<typeof parseInput>[0], body: unknown): string[] => {
  try {
    parseInput(schema, body);
    return [];
  } catch (e: unknown) {
    if (!(e instanceof AppError)) throw e;
    return Object.keys(e.fields ?? {});
  }
};

describe('driver input schemas', () => {
  const edges: [string, Record<string, unknown>, string[]][] = [
    ['the corners of the map', { lat: -90, lon: 180, heading: 360, speed: 0, accuracy: 0 }, []],
    ['the other corner', { lat: 90, lon: -180, heading: 0 }, []],
    ['nulls for the optional parts', { lat: 47, lon: 51, heading: null, speed: null }, []],
    ['an offset time', { lat: 47, lon: 51, recorded_at: '2026-11-26T20:00:00+05:00' }, []],
    ['lat just past 90', { lat: 90.000001, lon: 0 }, ['lat']],
    ['lon just past -180', { lat: 0, lon: -180.000001 }, ['lon']],
    ['a negative heading', { lat: 0, lon: 0, heading: -0.1 }, ['heading']],
    ['NaN-like text', { lat: 'NaN', lon: 0 }, ['lat']],
    ['a date without time', { lat: 0, lon: 0, recorded_at: '2026-11-26' }, ['recorded_at']],
    [
      'everything wrong',
      { lat: 100, lon: 200, speed: -1, extra: 1 },
      ['lat', 'lon', 'speed', 'extra'],
    ],
  ];
  for (const [what, body, fields] of edges) {
    it(`when a location has ${what}, then the failing fields are ${JSON.stringify(fields)}`, () => {
      expect(fieldsOf(driverLocationSchema, body).sort()).to.deep.equal([...fields].sort());
    });
  }

  for (const [body, ok] of [
    [{ is_online: true }, true],
    [{ is_online: false }, true],
    [{ is_online: 'false' }, false],
    [{ is_online: 'true' }, false],
    [{ is_online: 1 }, false],
    [{ is_online: null }, false],
    [{}, false],
  ] as [Record<string, unknown>, boolean][]) {
    it(`when the online body is ${JSON.stringify(body)}, then it is ${ok ? 'accepted' : 'refused'}`, () => {
      expect(fieldsOf(onlineStatusSchema, body)).to.have.length(ok ? 0 : 1);
    });
  }
});
