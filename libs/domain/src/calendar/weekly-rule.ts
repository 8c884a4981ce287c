/**
 * Availability windows repeat every week, so only a strict subset of iCalendar RRULE (RFC 5545) is
 * accepted: `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=18;BYMINUTE=30` (BYMINUTE defaults to 0). Each BYDAY ×
 * BYHOUR × BYMINUTE combination is the start of a window; its length is given beside the rule.
 * Anything that would make a window non-weekly (COUNT, UNTIL, INTERVAL > 1, BYMONTH, ...) is refused
 * rather than silently ignored.
 */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WeeklyRule {
  readonly days: readonly Weekday[];
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
}

export type WeeklyRuleParse = { readonly ok: true; readonly rule: WeeklyRule; readonly canonical: string } | { readonly ok: false; readonly reason: string };

const MAX_LENGTH = 200;
const NUMBER = /^\d{1,2}$/;

export function parseWeeklyRule(text: string): WeeklyRuleParse {
  if (text.length === 0 || text.length > MAX_LENGTH) return refuse(`an RRULE has 1 to ${MAX_LENGTH} characters`);
  if (/[\r\n]/.test(text)) return refuse('give a single RRULE line without DTSTART');
  const body = text.trim().replace(/^RRULE:/i, '');
  const parts = new Map<string, string>();
  for (const part of body.split(';')) {
    const match = /^([A-Za-z]+)=(.+)$/.exec(part);
    if (!match) return refuse(`"${part}" is not NAME=VALUE`);
    const name = match[1]!.toUpperCase();
    if (parts.has(name)) return refuse(`${name} is given twice`);
    parts.set(name, match[2]!.toUpperCase());
  }

  for (const name of parts.keys()) {
    if (!['FREQ', 'BYDAY', 'BYHOUR', 'BYMINUTE', 'INTERVAL', 'WKST'].includes(name)) {
      return refuse(`${name} is not supported: availability repeats every week (use FREQ, BYDAY, BYHOUR, BYMINUTE)`);
    }
  }
  if (parts.get('FREQ') !== 'WEEKLY') return refuse('FREQ must be WEEKLY');
  const interval = parts.get('INTERVAL');
  if (interval !== undefined && interval !== '1') return refuse('INTERVAL must be 1: windows repeat every week');
  const weekStart = parts.get('WKST');
  if (weekStart !== undefined && !isWeekday(weekStart)) return refuse(`WKST "${weekStart}" is not a weekday (MO..SU)`);

  const dayList = parts.get('BYDAY');
  if (dayList === undefined) return refuse('BYDAY is required (e.g. BYDAY=MO,WE)');
  const days: Weekday[] = [];
  for (const day of dayList.split(',')) {
    if (!isWeekday(day)) return refuse(`BYDAY "${day}" is not a weekday (MO, TU, WE, TH, FR, SA, SU)`);
    if (days.includes(day)) return refuse(`BYDAY lists ${day} twice`);
    days.push(day);
  }

  const hourList = parts.get('BYHOUR');
  if (hourList === undefined) return refuse('BYHOUR is required (e.g. BYHOUR=18)');
  const hours = numberList(hourList, 'BYHOUR', 23);
  if (typeof hours === 'string') return refuse(hours);
  const minutes = numberList(parts.get('BYMINUTE') ?? '0', 'BYMINUTE', 59);
  if (typeof minutes === 'string') return refuse(minutes);

  const rule: WeeklyRule = {
    days: [...days].sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b)),
    hours: [...hours].sort((a, b) => a - b),
    minutes: [...minutes].sort((a, b) => a - b),
  };
  return { ok: true, rule, canonical: formatWeeklyRule(rule) };
}

/** The canonical text of a rule: fixed part order, sorted values, no defaults left implicit. */
export function formatWeeklyRule(rule: WeeklyRule): string {
  return `FREQ=WEEKLY;BYDAY=${rule.days.join(',')};BYHOUR=${rule.hours.join(',')};BYMINUTE=${rule.minutes.join(',')}`;
}

function isWeekday(value: string): value is Weekday {
  return (WEEKDAYS as readonly string[]).includes(value);
}

function numberList(list: string, name: string, max: number): number[] | string {
  const values: number[] = [];
  for (const item of list.split(',')) {
    if (!NUMBER.test(item) || Number(item) > max) return `${name} "${item}" must be a whole number 0 to ${max}`;
    const value = Number(item);
    if (values.includes(value)) return `${name} lists ${value} twice`;
    values.push(value);
  }
  return values;
}

function refuse(reason: string): WeeklyRuleParse {
  return { ok: false, reason };
}
