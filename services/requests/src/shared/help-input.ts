import { REQUEST_CATEGORIES, REQUEST_VISIBILITIES, URGENCIES, type Urgency } from '@mutuo/contracts';
import { DomainRuleViolation, encodeGeohash, geohashCell, isValidPoint } from '@mutuo/domain';
import { fromGraphQLEnum } from '@mutuo/service-kit';
import { CELL_PRECISION, LOCATION_CELL, type HelpFacts, type HelpFactsChange, type HelpLocation, type TimeWindow } from '../domain/help-facts';
import type { NewHelpFacts } from './pod-facts';

export interface TimeWindowInput {
  from?: string | null;
  until?: string | null;
  rrule?: string | null;
  durationMinutes?: number | null;
}
export interface HelpLocationInput {
  cell?: string | null;
  point?: { lat: number; lon: number } | null;
  sharePrecisePoint?: boolean | null;
}
export interface HelpFactsInput {
  title?: string | null;
  description?: string | null;
  language?: string | null;
  category?: string | null;
  subcategory?: string | null;
  window?: TimeWindowInput | null;
  location?: HelpLocationInput | null;
  visibility?: string | null;
  quantity?: number | null;
}

export function windowFrom(input: TimeWindowInput | null | undefined): TimeWindow {
  return { from: input?.from ?? null, until: input?.until ?? null, rrule: input?.rrule ?? null, durationMinutes: input?.durationMinutes ?? null };
}

/** A point the author did not opt in to share only gives its neighbourhood cell; the point itself is not kept. */
export function locationFrom(input: HelpLocationInput | null | undefined): HelpLocation {
  if (!input) return { cell: null, precise: null };
  if (input.point) {
    const point = { lat: input.point.lat, lon: input.point.lon };
    if (!isValidPoint(point)) throw new DomainRuleViolation('INVALID_LOCATION', 'Latitude is -90..90 and longitude -180..180', 'location.point');
    return input.sharePrecisePoint ? { cell: null, precise: point } : { cell: encodeGeohash(point, CELL_PRECISION), precise: null };
  }
  // Checked here, not only in the decider: the handler looks the cell up in incident areas first.
  return { cell: input.cell == null ? null : geohashCell(input.cell, LOCATION_CELL), precise: null };
}

export const categoryFrom = (value: string) => fromGraphQLEnum(REQUEST_CATEGORIES, value);
export const visibilityFrom = (value: string) => fromGraphQLEnum(REQUEST_VISIBILITIES, value);
export const urgencyFrom = (value: string): Urgency => fromGraphQLEnum(URGENCIES, value);

/** Without a visibility the pod's default applies (see withPodDefaults). */
export function factsFrom(input: HelpFactsInput & { title: string; language: string; category: string }): NewHelpFacts {
  return {
    title: input.title,
    description: input.description ?? '',
    language: input.language,
    category: categoryFrom(input.category),
    subcategory: input.subcategory ?? null,
    window: windowFrom(input.window),
    location: locationFrom(input.location),
    visibility: input.visibility ? visibilityFrom(input.visibility) : null,
    quantity: input.quantity ?? null,
  };
}

/** Only the fields given change; `null` clears the optional ones. */
export function changeFrom(input: HelpFactsInput): HelpFactsChange {
  const change: { -readonly [K in keyof HelpFacts]?: HelpFacts[K] } = {};
  if (input.title != null) change.title = input.title;
  if (input.description != null) change.description = input.description;
  if (input.language != null) change.language = input.language;
  if (input.category != null) change.category = categoryFrom(input.category);
  if (input.subcategory !== undefined) change.subcategory = input.subcategory;
  if (input.window !== undefined && input.window !== null) change.window = windowFrom(input.window);
  if (input.location !== undefined && input.location !== null) change.location = locationFrom(input.location);
  if (input.visibility != null) change.visibility = visibilityFrom(input.visibility);
  if (input.quantity !== undefined) change.quantity = input.quantity;
  return change;
}

export function requireFirst(first: number | null | undefined, max: number): number {
  const value = first ?? 20;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DomainRuleViolation('BAD_USER_INPUT', `first must be 1 to ${max}`, 'first');
  return value;
}
