import { parseWeeklyRule, WEEKDAYS, type Weekday } from './weekly-rule';

/** Minutes in a week; a minute of the week counts from Monday 00:00 local time. */
export const MINUTES_PER_WEEK = 7 * 24 * 60;

/** A stretch of the week, [start, end) in minutes of the week; `end` may pass the week's end (it wraps). */
export interface WeekRange {
  readonly start: number;
  readonly end: number;
}

export interface WeeklyWindowRule {
  readonly rrule: string;
  readonly durationMinutes: number;
}

const WEEKDAY_BY_SHORT_NAME: Record<string, Weekday> = { Mon: 'MO', Tue: 'TU', Wed: 'WE', Thu: 'TH', Fri: 'FR', Sat: 'SA', Sun: 'SU' };

/** Building a formatter costs far more than using one: scoring asks for the same few zones many times. */
const formatsByZone = new Map<string, Intl.DateTimeFormat>();

function weekTimeFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formatsByZone.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatsByZone.set(timeZone, format);
  }
  return format;
}

/** The local weekday and time of an instant in an IANA zone, as the minute of the week. */
export function localMinuteOfWeek(at: Date, timeZone: string): number {
  const parts = weekTimeFormat(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const day = WEEKDAY_BY_SHORT_NAME[get('weekday')];
  if (!day) throw new Error(`Cannot read the weekday of ${at.toISOString()} in ${timeZone}`);
  return WEEKDAYS.indexOf(day) * 1440 + Number(get('hour')) * 60 + Number(get('minute'));
}

/**
 * The weekly windows the rules describe, merged where they touch or overlap. Rules that do not parse are
 * skipped (they were validated where they were written; a reader should not fail on an old one).
 */
export function weeklyWindowRanges(rules: readonly WeeklyWindowRule[]): WeekRange[] {
  const ranges: WeekRange[] = [];
  for (const { rrule, durationMinutes } of rules) {
    const parsed = parseWeeklyRule(rrule);
    if (!parsed.ok) continue;
    for (const day of parsed.rule.days) {
      for (const hour of parsed.rule.hours) {
        for (const minute of parsed.rule.minutes) {
          const start = WEEKDAYS.indexOf(day) * 1440 + hour * 60 + minute;
          ranges.push({ start, end: start + Math.min(durationMinutes, MINUTES_PER_WEEK) });
        }
      }
    }
  }
  ranges.sort((a, b) => a.start - b.start);
  const merged: WeekRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, range.end) };
    else merged.push(range);
  }
  return merged;
}

/** How many minutes of [from, from + length) (minutes of the week, may run past the week's end) fall inside the windows. */
export function weeklyOverlapMinutes(windows: readonly WeekRange[], from: number, length: number): number {
  const span = Math.min(Math.max(length, 0), MINUTES_PER_WEEK);
  const start = ((from % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  const end = start + span;
  let total = 0;
  // A window may wrap past Sunday night, and the asked stretch may too: compare against last, this and next week's copy.
  for (const window of windows) {
    for (const shift of [-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK]) {
      total += Math.max(0, Math.min(end, window.end + shift) - Math.max(start, window.start + shift));
    }
  }
  return Math.min(total, span);
}

/** Whether a local time of day ("HH:MM") falls in a daily range that may run past midnight (22:00–07:00). */
export function isWithinDailyRange(minuteOfDay: number, start: string, end: string): boolean {
  const from = toMinuteOfDay(start);
  const to = toMinuteOfDay(end);
  if (from === to) return false;
  return from < to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

function toMinuteOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) throw new Error(`"${time}" is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}
