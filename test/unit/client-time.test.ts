import { expect } from 'chai';
import { isClientTime, parseClientTime } from '../../lib/clock/client-time.js';

describe('client times (desired_pickup_time)', () => {
  const cases: [string, string, string][] = [
    // [sent, TIME_ZONE, the instant meant]
    ['2026-12-02T09:30:00Z', 'Asia/Atyrau', '2026-12-02T09:30:00.000Z'],
    ['2026-12-02T09:30:00+05:00', 'Europe/Berlin', '2026-12-02T04:30:00.000Z'],
    ['2026-12-02T09:30:00-0130', 'Asia/Atyrau', '2026-12-02T11:00:00.000Z'],
    // Dart's toIso8601String() of a local DateTime: no zone, milliseconds or microseconds.
    ['2026-12-02T09:30:00', 'Asia/Atyrau', '2026-12-02T04:30:00.000Z'],
    ['2026-12-02T09:30:00.000', 'Asia/Atyrau', '2026-12-02T04:30:00.000Z'],
    ['2026-12-02T09:30:00.250123', 'Asia/Atyrau', '2026-12-02T04:30:00.250Z'],
    ['2026-12-02T09:30', 'Europe/Moscow', '2026-12-02T06:30:00.000Z'],
    // A zone with daylight saving time: the offset of that very date.
    ['2026-07-01T09:30:00', 'Europe/Berlin', '2026-07-01T07:30:00.000Z'],
    ['2026-01-15T09:30:00', 'Europe/Berlin', '2026-01-15T08:30:00.000Z'],
  ];
  for (const [sent, zone, meant] of cases) {
    it(`when ${sent} is sent with TIME_ZONE ${zone}, then it means ${meant}`, () => {
      expect(isClientTime(sent)).to.equal(true);
      expect(parseClientTime(sent, zone)?.toISOString()).to.equal(meant);
    });
  }

  it('when the text is not a real date and time, then it is refused', () => {
    for (const bad of ['tomorrow', '2026-02-30T09:30:00', '2026-12-02T24:00:00', '2026-12-02']) {
      expect(parseClientTime(bad, 'Asia/Atyrau'), bad).to.equal(null);
    }
    expect(isClientTime('2026-12-02 09:30')).to.equal(false);
  });
});
