import { expect } from 'chai';
import {
  buildDemoPeople,
  createPrng,
  regionCenter,
  regionPolygon,
  seedRegions,
} from '../../db/seeds/atyrau-demo.js';
import { parseInput } from '../../lib/validation/parse-input.js';
import { disabilityCategories, mobilityAids } from '../../lib/passengers/passenger.schemas.js';
import { createRegionSchema } from '../../lib/regions/region.schemas.js';

const vocabulary = { disabilityCategories, mobilityAids };

describe('Atyrau demo data', () => {
  it('when the PRNG is seeded the same, then it repeats its sequence', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).to.deep.equal(first);
    expect(first.every((x) => x >= 0 && x < 1)).to.equal(true);
    expect(createPrng(43)()).to.not.equal(first[0]);
  });

  it('when the people are built twice, then they are identical', () => {
    expect(buildDemoPeople(vocabulary)).to.deep.equal(buildDemoPeople(vocabulary));
  });

  it('when the regions are checked, then all lie in Atyrau and pass the region schema', () => {
    expect(seedRegions).to.have.length(8);
    for (const r of seedRegions) {
      const center = regionCenter(r);
      expect(center.lat).to.be.within(47.06, 47.16);
      expect(center.lon).to.be.within(51.85, 51.95);
      parseInput(createRegionSchema, {
        id: r.id,
        title: r.title,
        center_lat: center.lat,
        center_lon: center.lon,
        polygon_coordinates: regionPolygon(r),
        service_radius_meters: r.service_radius_meters,
      });
    }
  });

  it('when the people are built, then phones and plates are unique and valid', () => {
    const { drivers, passengers } = buildDemoPeople(vocabulary);
    expect(drivers).to.have.length(30);
    expect(passengers).to.have.length(50);
    const phones = [...drivers, ...passengers].map((p) => p.phone);
    expect(new Set(phones).size).to.equal(80);
    expect(phones.every((p) => /^\+7\d{10}$/.test(p))).to.equal(true);
    expect(new Set(drivers.map((d) => d.plate_number)).size).to.equal(30);
  });
});
