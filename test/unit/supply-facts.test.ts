import { expect } from 'chai';
import { tripStatuses } from '../../lib/drivers/trips-today.js';
import { createSupplyFacts } from '../../lib/dispatch/supply-facts.js';

const day = {
  startMs: Date.parse('2026-11-25T19:00:00Z'),
  endMs: Date.parse('2026-11-26T19:00:00Z'),
};
const inDay = new Date('2026-11-26T08:00:00Z');
const driver = (
  id: number,
  overrides: Partial<{ status: string; is_online: boolean; is_active: boolean }> = {},
) => ({
  id,
  name: `Driver ${id}`,
  region_id: 'atyrau',
  car_model: 'Hyundai Staria',
  capacity: 4,
  wheelchair_accessible: false,
  is_active: true,
  is_online: true,
  status: 'online_idle',
  ...overrides,
});
const trip = (
  id: string,
  driverId: number | null,
  status = 'completed',
  at: Date | null = inDay,
) => ({
  id,
  driver_id: driverId,
  status,
  assigned_at: at,
});

describe('supply facts (pure)', () => {
  const facts = () => {
    const f = createSupplyFacts({ tripStatuses, timeZone: 'Asia/Atyrau' });
    f.reset([driver(1), driver(2), driver(3, { status: 'offered' })], day, [
      trip('a', 1),
      trip('b', 1, 'assigned'),
      trip('c', 2, 'cancelled'),
      trip('d', 2, 'completed', new Date(day.startMs - 1)),
    ]);
    return f;
  };

  it('when loaded, then only free drivers are given, with the trips of the loaded day', () => {
    const f = facts();
    expect(f.free(1)?.trips_today).to.equal(2);
    expect(f.free(2)?.trips_today).to.equal(0);
    expect(f.free(3)).to.equal(undefined);
    expect(f.free(4)).to.equal(undefined);
  });

  it('when an order moves to another driver, leaves the trip statuses or is deleted, then both counts follow', () => {
    const f = facts();
    f.setOrder('a', trip('a', 2));
    expect([f.free(1)?.trips_today, f.free(2)?.trips_today]).to.deep.equal([1, 1]);
    f.setOrder('b', trip('b', 1, 'matching'));
    f.setOrder('a', null);
    expect([f.free(1)?.trips_today, f.free(2)?.trips_today]).to.deep.equal([0, 0]);
    f.setOrder('e', trip('e', 2, 'no_show', new Date(day.endMs)));
    expect(f.free(2)?.trips_today, 'assigned the next day').to.equal(0);
  });

  it('when a driver changes, goes offline, inactive or is deleted, then free() follows', () => {
    const f = facts();
    f.setDriver(3, driver(3));
    expect(f.free(3)?.driver_id).to.equal(3);
    f.setDriver(1, driver(1, { is_active: false }));
    f.setDriver(2, driver(2, { is_online: false, status: 'offline' }));
    f.setDriver(3, null);
    expect([f.free(1), f.free(2), f.free(3)]).to.deep.equal([undefined, undefined, undefined]);
  });

  it('when "now" leaves the loaded day, then the facts say they do not cover it', () => {
    const f = facts();
    expect(f.covers(inDay.getTime())).to.equal(true);
    expect(f.covers(day.endMs)).to.equal(false);
    expect(f.covers(day.startMs - 1)).to.equal(false);
  });
});
