import { isWithinDailyRange, localMinuteOfWeek, weeklyOverlapMinutes, weeklyWindowRanges } from './weekly-windows';

describe('weekly windows', () => {
  it('reads the local minute of the week in the member’s zone', () => {
    // Monday 2026-01-05 09:30 UTC is 10:30 in Berlin (winter time).
    expect(localMinuteOfWeek(new Date('2026-01-05T09:30:00Z'), 'Europe/Berlin')).toBe(10 * 60 + 30);
    // Sunday 23:30 UTC is already Monday 00:30 in Berlin.
    expect(localMinuteOfWeek(new Date('2026-01-04T23:30:00Z'), 'Europe/Berlin')).toBe(30);
  });

  it('expands rules into merged weekly ranges', () => {
    expect(
      weeklyWindowRanges([
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=18;BYMINUTE=0', durationMinutes: 120 },
        { rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=19;BYMINUTE=0', durationMinutes: 120 },
      ]),
    ).toEqual([
      { start: 18 * 60, end: 21 * 60 },
      { start: 2 * 1440 + 18 * 60, end: 2 * 1440 + 20 * 60 },
    ]);
  });

  it('counts the overlap of a stretch with the windows, also across Sunday night', () => {
    const windows = weeklyWindowRanges([{ rrule: 'FREQ=WEEKLY;BYDAY=SU;BYHOUR=23;BYMINUTE=0', durationMinutes: 120 }]);
    // Monday 00:00–00:30 is inside Sunday 23:00 + 2 h.
    expect(weeklyOverlapMinutes(windows, 0, 30)).toBe(30);
    expect(weeklyOverlapMinutes(windows, 6 * 1440 + 22 * 60, 120)).toBe(60);
    expect(weeklyOverlapMinutes(windows, 3 * 1440, 60)).toBe(0);
  });

  it('knows quiet hours that run past midnight', () => {
    expect(isWithinDailyRange(23 * 60, '22:00', '07:00')).toBe(true);
    expect(isWithinDailyRange(6 * 60, '22:00', '07:00')).toBe(true);
    expect(isWithinDailyRange(12 * 60, '22:00', '07:00')).toBe(false);
    expect(isWithinDailyRange(12 * 60, '09:00', '17:00')).toBe(true);
  });
});
