import { expect } from 'chai';
import { summariseQualityDay } from '../../lib/quality/dispatch-quality-figures.js';
import { daysBetween, isCalendarDay, localDayOf } from '../../lib/clock/calendar-days.js';
import { resolveReportDays } from '../../lib/quality/dispatch-quality.schemas.js';

describe('quality report: days and figures', () => {
  const calendarDays: [string, boolean][] = [
    ['2026-11-20', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['1969-12-31', false],
    ['9999-12-31', true],
    ['-271821-04-20', false],
    ['+275760-09-13', false],
    ['2026-11-20T00:00:00Z', false],
    ['', false],
  ];
  for (const [value, expected] of calendarDays) {
    it(`when the day is "${value}", then it is ${expected ? '' : 'not '}a calendar day`, () => {
      expect(isCalendarDay(value)).to.equal(expected);
    });
  }

  it('when a range crosses a month end, then every day is listed once', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).to.deep.equal([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('when dates are missing, then the week ending today; 92 days pass, 93 do not', () => {
    expect(resolveReportDays({}, '2026-03-02')).to.deep.equal({
      from: '2026-02-24',
      to: '2026-03-02',
    });
    expect(resolveReportDays({ from: '2026-01-01', to: '2026-04-02' }, 'x').to).to.equal(
      '2026-04-02',
    );
    expect(() => resolveReportDays({ from: '2026-01-01', to: '2026-04-03' }, 'x')).to.throw();
    expect(() => resolveReportDays({ from: '2026-01-02', to: '2026-01-01' }, 'x')).to.throw();
  });

  it('when it is 19:30 UTC, then it is already tomorrow in Atyrau (UTC+5)', () => {
    expect(localDayOf(new Date('2026-11-20T19:30:00Z'), 'Asia/Atyrau')).to.equal('2026-11-21');
    expect(localDayOf(new Date('2026-11-20T19:30:00Z'), 'UTC')).to.equal('2026-11-20');
  });

  it('when nothing happened, then counts are 0 and figures null', () => {
    expect(summariseQualityDay('r', '2026-11-20', [], [])).to.deep.equal({
      region_id: 'r',
      day: '2026-11-20',
      orders: 0,
      assigned_orders: 0,
      time_to_assignment_s_p50: null,
      time_to_assignment_s_p90: null,
      pickup_km_mean: null,
      wheelchair_requests: 0,
      wheelchair_assigned_within_15_min_share: null,
      offers_declined: 0,
      offers_expired: 0,
      active_drivers: 0,
      driver_trips_gini: null,
      driver_trips_min: null,
      driver_trips_max: null,
    });
  });

  it('when a wheelchair request waited exactly 15 minutes, then it counts as in time', () => {
    const order = {
      region_id: 'r',
      day: '2026-11-20',
      needs_wheelchair_access: true,
      accepted_distances_m: [],
      offers_declined: 0,
      offers_expired: 0,
    };
    const day = summariseQualityDay(
      'r',
      '2026-11-20',
      [
        { ...order, seconds_to_assignment: 900 },
        { ...order, seconds_to_assignment: 900.5 },
        { ...order, seconds_to_assignment: null },
      ],
      [],
    );
    expect(day.wheelchair_assigned_within_15_min_share).to.equal(0.3333);
  });
});
