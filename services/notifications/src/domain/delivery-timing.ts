/**
 * When a message may go out: quiet hours, digests and the per-recipient rate limit. Pure: "now" is always given.
 * Local times follow the member's IANA time zone; across a daylight-saving jump a boundary may move by that hour.
 */

export interface QuietHours {
  /** Local `HH:MM`; the end may be on the next day (22:00–07:00). */
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
}

const MINUTE = 60_000;
const DAY_MINUTES = 1_440;

function minutesOf(localTime: string): number {
  const [hours, minutes] = localTime.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

/** Minutes since local midnight and the ISO weekday (1 = Monday) at `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { minutes: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', weekday: 'short', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { minutes: Number(get('hour')) * 60 + Number(get('minute')), weekday };
}

/** The start of the minute `minutesAhead` local minutes after `at`'s minute. */
function minutesLater(at: Date, minutesAhead: number): Date {
  const startOfMinute = Math.floor(at.getTime() / MINUTE) * MINUTE;
  return new Date(startOfMinute + minutesAhead * MINUTE);
}

/** When the quiet hours `at` falls in end; null when `at` is not in quiet hours (or there are none). */
export function quietHoursEndAfter(at: Date, quiet: QuietHours | null): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const { minutes } = localClock(at, quiet.timeZone);
  const inside = start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside) return null;
  return minutesLater(at, (end - minutes + DAY_MINUTES) % DAY_MINUTES);
}

/** Digests go out at 08:00 local: daily the next one, weekly the next Monday's. */
export const DIGEST_LOCAL_TIME = '08:00';

export function nextDigestTime(at: Date, cadence: 'daily' | 'weekly', timeZone: string): Date {
  const { minutes, weekday } = localClock(at, timeZone);
  const target = minutesOf(DIGEST_LOCAL_TIME);
  let minutesAhead = (target - minutes + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  if (cadence === 'weekly') {
    const weekdayAtTarget = minutes < target ? weekday : (weekday % 7) + 1;
    const daysToMonday = (8 - weekdayAtTarget) % 7;
    minutesAhead += daysToMonday * DAY_MINUTES;
  }
  return minutesLater(at, minutesAhead);
}

export interface RateLimit {
  /** At most this many separate messages per recipient and channel in `windowMs`; more wait for one digest. */
  readonly maxMessages: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { maxMessages: 3, windowMs: 15 * MINUTE };

/**
 * Whether another message may go now, given when earlier ones went (any order). When not, the moment the window
 * frees up: everything held until then leaves as one digest.
 */
export function rateLimitHoldUntil(sentAt: readonly Date[], now: Date, limit: RateLimit): Date | null {
  const windowStart = now.getTime() - limit.windowMs;
  const recent = sentAt
    .map((at) => at.getTime())
    .filter((time) => time > windowStart && time <= now.getTime())
    .sort((a, b) => a - b);
  if (recent.length < limit.maxMessages) return null;
  return new Date(recent[recent.length - limit.maxMessages]! + limit.windowMs);
}
