import { expect } from 'chai';
import {
  isInsidePolygon,
  locateRegion,
  type LocatableRegion,
} from '../../lib/regions/locate-region.js';

// Atyrau centre and a point about 3.3 km east of it.
const atyrau = { lat: 47.1067, lon: 51.9167 };
const east3km = { lat: 47.1067, lon: 51.9605 };

const square = (lat: number, lon: number, half: number): [number, number][] => [
  [lat - half, lon - half],
  [lat - half, lon + half],
  [lat + half, lon + half],
  [lat + half, lon - half],
];

const region = (overrides: Partial<LocatableRegion> & { id: string }): LocatableRegion => ({
  center_lat: atyrau.lat,
  center_lon: atyrau.lon,
  polygon_coordinates: null,
  service_radius_meters: null,
  ...overrides,
});

describe('locate region', () => {
  describe('point in polygon', () => {
    const cases: [string, { lat: number; lon: number }, [number, number][], boolean][] = [
      ['the centre of a square', atyrau, square(atyrau.lat, atyrau.lon, 0.01), true],
      ['a point outside a square', east3km, square(atyrau.lat, atyrau.lon, 0.01), false],
      [
        'a point in the notch of an L shape',
        { lat: 1.5, lon: 1.5 },
        [
          [0, 0],
          [0, 2],
          [1, 2],
          [1, 1],
          [2, 1],
          [2, 0],
        ],
        false,
      ],
      [
        'a point in the arm of an L shape',
        { lat: 1.5, lon: 0.5 },
        [
          [0, 0],
          [0, 2],
          [1, 2],
          [1, 1],
          [2, 1],
          [2, 0],
        ],
        true,
      ],
      [
        'a closed ring (first point repeated)',
        atyrau,
        [...square(atyrau.lat, atyrau.lon, 0.01), square(atyrau.lat, atyrau.lon, 0.01)[0]!],
        true,
      ],
      [
        'a degenerate polygon of two points',
        atyrau,
        [
          [47, 51],
          [48, 52],
        ],
        false,
      ],
    ];
    for (const [name, point, polygon, expected] of cases) {
      it(`when ${name}, then inside is ${expected}`, () => {
        expect(isInsidePolygon(point, polygon)).to.equal(expected);
      });
    }

    it('when lat and lon are swapped in the polygon, then the point is not inside', () => {
      // Guards the [[lat, lon], …] order: a [lon, lat] reading would put the square elsewhere.
      const polygon = square(atyrau.lat, atyrau.lon, 0.01).map(
        ([lat, lon]) => [lon, lat] as [number, number],
      );
      expect(isInsidePolygon(atyrau, polygon)).to.equal(false);
    });
  });

  it('when the pickup is inside a polygon, then that region wins over a nearer radius', () => {
    const regions = [
      region({ id: 'a_radius', service_radius_meters: 10_000 }),
      region({
        id: 'b_polygon',
        center_lat: 40,
        center_lon: 40,
        polygon_coordinates: square(atyrau.lat, atyrau.lon, 0.01),
      }),
    ];
    expect(locateRegion(atyrau, regions, 'home')).to.deep.equal({
      regionId: 'b_polygon',
      matchedBy: 'polygon',
    });
  });

  it('when two radii reach the pickup, then the nearest centre wins', () => {
    const regions = [
      region({ id: 'far', service_radius_meters: 50_000 }),
      region({
        id: 'near',
        center_lat: east3km.lat,
        center_lon: east3km.lon + 0.001,
        service_radius_meters: 1_000,
      }),
    ];
    expect(locateRegion(east3km, regions, 'home')).to.deep.equal({
      regionId: 'near',
      matchedBy: 'radius',
    });
  });

  it('when the pickup is just outside the only radius, then the passenger region is used', () => {
    // east3km is about 3.3 km from the centre.
    const regions = [region({ id: 'center', service_radius_meters: 3_000 })];
    expect(locateRegion(east3km, regions, 'home')).to.deep.equal({
      regionId: 'home',
      matchedBy: 'passenger_region',
    });
    const wider = [region({ id: 'center', service_radius_meters: 3_500 })];
    expect(locateRegion(east3km, wider, 'home').regionId).to.equal('center');
  });

  it('when no region has a polygon or a radius, then the passenger region is used', () => {
    expect(locateRegion(atyrau, [region({ id: 'bare' })], 'home').regionId).to.equal('home');
    expect(locateRegion(atyrau, [], 'home').regionId).to.equal('home');
  });

  it('when two polygons overlap, then the answer is the first by id, whatever the input order', () => {
    const polygon = square(atyrau.lat, atyrau.lon, 0.01);
    const regions = [
      region({ id: 'zeta', polygon_coordinates: polygon }),
      region({ id: 'alpha', polygon_coordinates: polygon }),
    ];
    expect(locateRegion(atyrau, regions, 'home').regionId).to.equal('alpha');
    expect(locateRegion(atyrau, [...regions].reverse(), 'home').regionId).to.equal('alpha');
  });
});
