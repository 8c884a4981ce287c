import { localClock, nextDigestTime, quietHoursEndAfter, rateLimitHoldUntil } from './delivery-timing';

const lisbonNight = { start: '22:00', end: '07:00', timeZone: 'Europe/Lisbon' };

describe('delivery timing', () => {
  it('holds a message sent at 03:00 local until quiet hours end at 07:00 local', () => {
    // 03:00 in Lisbon in November is 03:00 UTC.
    expect(quietHoursEndAfter(new Date('2026-11-26T03:00:00Z'), lisbonNight)?.toISOString()).toBe('2026-11-26T07:00:00.000Z');
  });

  it('lets a message through outside quiet hours, and with none', () => {
    expect(quietHoursEndAfter(new Date('2026-11-26T12:00:00Z'), lisbonNight)).toBeNull();
    expect(quietHoursEndAfter(new Date('2026-11-26T03:00:00Z'), null)).toBeNull();
  });

  it('reads quiet hours in the member time zone', () => {
    // 23:30 UTC is 20:30 in São Paulo: not quiet there.
    expect(quietHoursEndAfter(new Date('2026-11-26T23:30:00Z'), { ...lisbonNight, timeZone: 'America/Sao_Paulo' })).toBeNull();
    // 01:30 UTC is 22:30 in São Paulo: quiet until 07:00 there (10:00 UTC).
    expect(quietHoursEndAfter(new Date('2026-11-27T01:30:00Z'), { ...lisbonNight, timeZone: 'America/Sao_Paulo' })?.toISOString()).toBe(
      '2026-11-27T10:00:00.000Z',
    );
  });

  it('handles quiet hours within one day', () => {
    expect(quietHoursEndAfter(new Date('2026-11-26T13:10:00Z'), { start: '13:00', end: '15:00', timeZone: 'UTC' })?.toISOString()).toBe(
      '2026-11-26T15:00:00.000Z',
    );
  });

  it('sends a daily digest at the next 08:00 local and a weekly one on Monday', () => {
    expect(nextDigestTime(new Date('2026-11-26T09:00:00Z'), 'daily', 'Europe/Lisbon').toISOString()).toBe('2026-11-27T08:00:00.000Z');
    expect(nextDigestTime(new Date('2026-11-26T06:00:00Z'), 'daily', 'Europe/Lisbon').toISOString()).toBe('2026-11-26T08:00:00.000Z');
    // Thursday 26 November 2026 → Monday 30 November.
    expect(localClock(new Date('2026-11-26T09:00:00Z'), 'UTC').weekday).toBe(4);
    expect(nextDigestTime(new Date('2026-11-26T09:00:00Z'), 'weekly', 'UTC').toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(nextDigestTime(new Date('2026-11-30T07:00:00Z'), 'weekly', 'UTC').toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it('lets three messages through in fifteen minutes and holds the fourth until the window frees', () => {
    const limit = { maxMessages: 3, windowMs: 15 * 60_000 };
    const now = new Date('2026-11-26T12:10:00Z');
    const sent = ['12:00', '12:05', '12:08'].map((time) => new Date(`2026-11-26T${time}:00Z`));
    expect(rateLimitHoldUntil(sent.slice(0, 2), now, limit)).toBeNull();
    expect(rateLimitHoldUntil(sent, now, limit)?.toISOString()).toBe('2026-11-26T12:15:00.000Z');
    expect(rateLimitHoldUntil(sent, new Date('2026-11-26T12:16:00Z'), limit)).toBeNull();
  });
});
