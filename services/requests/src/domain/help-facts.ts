import { REQUEST_CATEGORIES, REQUEST_VISIBILITIES, URGENCIES, type RequestCategory, type RequestVisibility, type Urgency } from '@mutuo/contracts';
import { DomainRuleViolation, encodeGeohash, geohashCell, isValidPoint, parseWeeklyRule, plainText, type GeoPoint } from '@mutuo/domain';

/**
 * What a request and an offer both say: what, in which language, when, where and for whom to see. Pure
 * validation shared by both deciders; every refusal names the input field.
 */

/** From/until (either may be open), or a weekly RRULE whose occurrences last `durationMinutes`, between them. */
export interface TimeWindow {
  readonly from: string | null;
  readonly until: string | null;
  readonly rrule: string | null;
  readonly durationMinutes: number | null;
}

export interface HelpLocation {
  /** Neighbourhood-sized geohash cell: what others may learn. */
  readonly cell: string | null;
  /** Only when the author opted in to sharing it. */
  readonly precise: GeoPoint | null;
}

export interface HelpFacts {
  readonly title: string;
  readonly description: string;
  /** BCP 47 tag of the language the author wrote in. */
  readonly language: string;
  readonly category: RequestCategory;
  readonly subcategory: string | null;
  readonly window: TimeWindow;
  readonly location: HelpLocation;
  readonly visibility: RequestVisibility;
  /** How many (meals, seats, bags); null when a count makes no sense. */
  readonly quantity: number | null;
}

/** Who acts, with the roles their token holds now. */
export interface Actor {
  readonly memberId: string;
  readonly roles: readonly string[];
}

export const COORDINATOR = 'coordinator';
export const DISPATCHER = 'dispatcher';
export const isCoordinator = (actor: Actor) => actor.roles.includes(COORDINATOR);
export const mayPostForOthers = (actor: Actor) => actor.roles.includes(COORDINATOR) || actor.roles.includes(DISPATCHER);

export const MAX_QUANTITY = 10_000;
export const CELL_PRECISION = 6;
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const SUBCATEGORY = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** A cell given instead of a point: 5 to 7 characters, kept at neighbourhood size. */
export const LOCATION_CELL = { field: 'location.cell', minLength: 5, maxLength: 7 } as const;

/** How long a first match may take, per urgency, in hours; a pod may tune them. */
export type ResponseTargets = Readonly<Record<Urgency, number>>;
export const DEFAULT_RESPONSE_TARGETS: ResponseTargets = { emergency: 4, urgent: 24, normal: 168 };

export function respondBy(postedAt: string, urgency: Urgency, targets: ResponseTargets): string {
  return new Date(Date.parse(postedAt) + targets[urgency] * 3_600_000).toISOString();
}

export function checkUrgency(urgency: Urgency): Urgency {
  if (!URGENCIES.includes(urgency)) throw new DomainRuleViolation('INVALID_URGENCY', `Urgency must be one of ${URGENCIES.join(', ')}`, 'urgency');
  return urgency;
}

/** Checks and normalises the facts (trimmed text, canonical RRULE, coarse cell derived from a precise point). */
export function checkHelpFacts(facts: HelpFacts, now: string): HelpFacts {
  const title = plainText(facts.title, { field: 'title', min: 3, max: 140, code: 'INVALID_TITLE' });
  const description = plainText(facts.description, { field: 'description', min: 0, max: 4000, multiline: true, code: 'INVALID_DESCRIPTION' });
  if (!REQUEST_CATEGORIES.includes(facts.category)) {
    throw new DomainRuleViolation('INVALID_CATEGORY', `Category must be one of ${REQUEST_CATEGORIES.join(', ')}`, 'category');
  }
  if (facts.subcategory !== null && (facts.subcategory.length < 2 || facts.subcategory.length > 40 || !SUBCATEGORY.test(facts.subcategory))) {
    throw new DomainRuleViolation('INVALID_SUBCATEGORY', 'A subcategory is 2 to 40 lowercase letters and digits joined by "-"', 'subcategory');
  }
  if (!LANGUAGE_TAG.test(facts.language)) {
    throw new DomainRuleViolation('INVALID_LANGUAGE', 'Give the language as a BCP 47 tag such as "en" or "pt-BR"', 'language');
  }
  if (!REQUEST_VISIBILITIES.includes(facts.visibility)) {
    throw new DomainRuleViolation('INVALID_VISIBILITY', `Visibility must be one of ${REQUEST_VISIBILITIES.join(', ')}`, 'visibility');
  }
  if (facts.quantity !== null && (!Number.isInteger(facts.quantity) || facts.quantity < 1 || facts.quantity > MAX_QUANTITY)) {
    throw new DomainRuleViolation('INVALID_QUANTITY', `A quantity is a whole number from 1 to ${MAX_QUANTITY}`, 'quantity');
  }
  return {
    ...facts,
    title,
    description,
    window: checkWindow(facts.window, now),
    location: checkLocation(facts.location),
  };
}

function checkWindow(window: TimeWindow, now: string): TimeWindow {
  const from = window.from === null ? null : instant(window.from, 'window.from');
  const until = window.until === null ? null : instant(window.until, 'window.until');
  if (from !== null && until !== null && until <= from) {
    throw new DomainRuleViolation('INVALID_WINDOW', 'The window must end after it starts', 'window.until');
  }
  if (until !== null && until <= Date.parse(now)) throw new DomainRuleViolation('INVALID_WINDOW', 'The window has already ended', 'window.until');
  let rrule: string | null = null;
  let durationMinutes: number | null = null;
  if (window.rrule !== null) {
    const parsed = parseWeeklyRule(window.rrule);
    if (!parsed.ok) throw new DomainRuleViolation('INVALID_RRULE', `The recurrence is not usable: ${parsed.reason}`, 'window.rrule');
    rrule = parsed.canonical;
    durationMinutes = window.durationMinutes ?? 60;
    if (!Number.isInteger(durationMinutes) || durationMinutes < 15 || durationMinutes > 1440) {
      throw new DomainRuleViolation('INVALID_WINDOW', 'Each occurrence lasts 15 to 1440 minutes', 'window.durationMinutes');
    }
  } else if (window.durationMinutes !== null) {
    throw new DomainRuleViolation('INVALID_WINDOW', 'A duration goes only with a recurrence (rrule)', 'window.durationMinutes');
  }
  return {
    from: from === null ? null : new Date(from).toISOString(),
    until: until === null ? null : new Date(until).toISOString(),
    rrule,
    durationMinutes,
  };
}

function instant(text: string, field: string): number {
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at)) {
    throw new DomainRuleViolation('INVALID_WINDOW', 'Give times as ISO 8601 date-times with an offset', field);
  }
  return at;
}

function checkLocation(location: HelpLocation): HelpLocation {
  if (location.precise !== null) {
    if (!isValidPoint(location.precise)) throw new DomainRuleViolation('INVALID_LOCATION', 'Latitude is -90..90 and longitude -180..180', 'location');
    return { cell: encodeGeohash(location.precise, CELL_PRECISION), precise: location.precise };
  }
  const cell = location.cell === null ? null : geohashCell(location.cell, LOCATION_CELL);
  return { cell: cell === null ? null : cell.slice(0, CELL_PRECISION), precise: null };
}

/** A partial change applied to the facts; absent keys keep their value. */
export type HelpFactsChange = Partial<HelpFacts>;

export function applyChange(facts: HelpFacts, change: HelpFactsChange): HelpFacts {
  const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  return { ...facts, ...defined };
}
