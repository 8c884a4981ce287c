import { cellDistanceKm, isWithinDailyRange, localMinuteOfWeek, weeklyOverlapMinutes, type WeekRange } from '@mutuo/domain';

/**
 * Scoring of possible helpers for one request: pure, so the same facts always give the same ranking and every
 * suggestion can say why it was made. Hard exclusions come first and are never outweighed by a good score.
 */

export const SCORE_PARTS = ['category', 'time', 'distance', 'language', 'skills', 'fairness'] as const;
export type ScorePart = (typeof SCORE_PARTS)[number];
export type ScoreParts = Record<ScorePart, number>;

export type Urgency = 'emergency' | 'urgent' | 'normal';

/** Help that does not need anyone to travel: distance does not count for it. */
export const REMOTE_CATEGORIES: readonly string[] = ['emotional-support', 'translation', 'money', 'skills'];

/** What matching knows about the request being matched. */
export interface RequestToMatch {
  readonly requestId: string;
  readonly podId: string;
  readonly requesterMemberId: string;
  readonly category: string;
  readonly subcategory: string | null;
  readonly urgency: Urgency;
  readonly locationCell: string | null;
  /** Languages the requester speaks (request language first); empty when unknown. */
  readonly languages: readonly string[];
  /** When help is needed; null means "from now", for as long as the urgency's horizon. */
  readonly neededFrom: string | null;
  readonly neededUntil: string | null;
}

/** What matching knows about one possible helper, with the offer the suggestion would rest on (if any). */
export interface HelperCandidate {
  readonly memberId: string;
  readonly podId: string;
  readonly offer: { readonly offerId: string; readonly category: string; readonly subcategory: string | null } | null;
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly locationCell: string | null;
  /** Weekly windows in the helper's zone; null when they never said. */
  readonly availability: readonly WeekRange[] | null;
  readonly timezone: string | null;
  readonly quietHours: { readonly start: string; readonly end: string } | null;
  /** null when they never said. */
  readonly weeklyCapacityHours: number | null;
  /** Accepted matches not yet done. */
  readonly activeMatches: number;
  readonly paused: boolean;
  /** In a block with the requester, whoever blocked whom. */
  readonly blockedWithRequester: boolean;
  readonly lastHelpedAt: string | null;
}

export interface ScoringSettings {
  readonly weights: ScoreParts;
  readonly travelRadiusKm: number;
  /** How many hours one match is expected to take, to turn weekly capacity into a number of matches. */
  readonly hoursPerMatch: number;
  /** Matches at once for a helper who never gave a weekly capacity. */
  readonly defaultCapacityMatches: number;
  /** A helper who last helped this many days ago (or never) gets the full fairness part. */
  readonly fairnessHorizonDays: number;
  readonly maxSuggestions: number;
}

export const DEFAULT_SCORING_SETTINGS: ScoringSettings = {
  weights: { category: 3, time: 2, distance: 2, language: 2, skills: 2, fairness: 2 },
  travelRadiusKm: 8,
  hoursPerMatch: 2,
  defaultCapacityMatches: 3,
  fairnessHorizonDays: 14,
  maxSuggestions: 10,
};

/** How long ahead a request without a window needs help, by urgency. */
export const NEED_HORIZON_MINUTES: Record<Urgency, number> = { emergency: 120, urgent: 24 * 60, normal: 7 * 24 * 60 };

export const EXCLUSION_REASONS = ['requester-themself', 'paused', 'blocked', 'quiet-hours', 'over-capacity', 'out-of-range'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export type CandidateVerdict =
  { readonly kind: 'excluded'; readonly reason: ExclusionReason } | { readonly kind: 'fit'; readonly score: number; readonly parts: ScoreParts };

export interface RankedSuggestion {
  readonly helperMemberId: string;
  readonly helperPodId: string;
  readonly offerId: string | null;
  readonly score: number;
  readonly parts: ScoreParts;
}

/** How many matches at once the helper's weekly capacity allows. */
export function capacityInMatches(candidate: Pick<HelperCandidate, 'weeklyCapacityHours'>, settings: ScoringSettings): number {
  if (candidate.weeklyCapacityHours === null) return settings.defaultCapacityMatches;
  if (candidate.weeklyCapacityHours <= 0) return 0;
  return Math.max(1, Math.floor(candidate.weeklyCapacityHours / settings.hoursPerMatch));
}

/** The first hard exclusion that applies, or null. */
export function exclusionOf(request: RequestToMatch, candidate: HelperCandidate, settings: ScoringSettings, now: Date): ExclusionReason | null {
  if (candidate.memberId === request.requesterMemberId) return 'requester-themself';
  if (candidate.paused) return 'paused';
  if (candidate.blockedWithRequester) return 'blocked';
  if (request.urgency === 'emergency' && isInQuietHours(candidate, now)) return 'quiet-hours';
  if (candidate.activeMatches >= capacityInMatches(candidate, settings)) return 'over-capacity';
  const distance = distanceBetween(request, candidate);
  if (distance !== null && distance > travelRadius(settings)) return 'out-of-range';
  return null;
}

/** An emergency needs the helper now: local time in the helper's zone decides. */
export function isInQuietHours(candidate: Pick<HelperCandidate, 'quietHours' | 'timezone'>, now: Date): boolean {
  if (!candidate.quietHours) return false;
  const minuteOfDay = localMinuteOfWeek(now, candidate.timezone ?? 'UTC') % 1440;
  return isWithinDailyRange(minuteOfDay, candidate.quietHours.start, candidate.quietHours.end);
}

export function evaluateCandidate(request: RequestToMatch, candidate: HelperCandidate, settings: ScoringSettings, now: Date): CandidateVerdict {
  const reason = exclusionOf(request, candidate, settings, now);
  if (reason) return { kind: 'excluded', reason };
  const parts: ScoreParts = {
    category: categoryFit(request, candidate),
    time: timeFit(request, candidate, now),
    distance: distanceFit(request, candidate, settings),
    language: languageFit(request, candidate),
    skills: skillsFit(request, candidate),
    fairness: fairnessFit(candidate, settings, now),
  };
  return { kind: 'fit', score: weightedScore(parts, settings.weights), parts };
}

/**
 * The best suggestions, best first: one per helper (their best offer or themselves), ties broken by member id so
 * the ranking never depends on the order candidates were read in.
 */
export function rankSuggestions(request: RequestToMatch, candidates: readonly HelperCandidate[], settings: ScoringSettings, now: Date): RankedSuggestion[] {
  const bestByHelper = new Map<string, RankedSuggestion>();
  for (const candidate of candidates) {
    const verdict = evaluateCandidate(request, candidate, settings, now);
    if (verdict.kind === 'excluded') continue;
    const suggestion: RankedSuggestion = {
      helperMemberId: candidate.memberId,
      helperPodId: candidate.podId,
      offerId: candidate.offer?.offerId ?? null,
      score: verdict.score,
      parts: verdict.parts,
    };
    const current = bestByHelper.get(candidate.memberId);
    if (!current || compareSuggestions(suggestion, current) < 0) bestByHelper.set(candidate.memberId, suggestion);
  }
  return [...bestByHelper.values()].sort(compareSuggestions).slice(0, settings.maxSuggestions);
}

function compareSuggestions(a: RankedSuggestion, b: RankedSuggestion): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.helperMemberId !== b.helperMemberId) return a.helperMemberId < b.helperMemberId ? -1 : 1;
  return (a.offerId ?? '').localeCompare(b.offerId ?? '');
}

/** A line a coordinator can read: "score 0.82 = category 1.00, time 0.50, ...". */
export function explainScore(score: number, parts: ScoreParts): string {
  return `score ${score.toFixed(2)} = ${SCORE_PARTS.map((part) => `${part} ${parts[part].toFixed(2)}`).join(', ')}`;
}

function weightedScore(parts: ScoreParts, weights: ScoreParts): number {
  let total = 0;
  let weightSum = 0;
  for (const part of SCORE_PARTS) {
    total += parts[part] * weights[part];
    weightSum += weights[part];
  }
  return weightSum === 0 ? 0 : round(total / weightSum);
}

/** An offer in the same category fits best; a member without an offer is a fair guess. */
function categoryFit(request: RequestToMatch, candidate: HelperCandidate): number {
  if (!candidate.offer) return 0.5;
  if (candidate.offer.category !== request.category) return 0.1;
  if (request.subcategory && candidate.offer.subcategory && candidate.offer.subcategory !== request.subcategory) return 0.8;
  return 1;
}

function skillsFit(request: RequestToMatch, candidate: HelperCandidate): number {
  if (candidate.skills.length === 0) return 0.5;
  return candidate.skills.includes(request.category) ? 1 : 0;
}

function languageFit(request: RequestToMatch, candidate: HelperCandidate): number {
  if (request.languages.length === 0 || candidate.languages.length === 0) return 0.5;
  const spoken = new Set(candidate.languages.map(primaryLanguage));
  return request.languages.some((language) => spoken.has(primaryLanguage(language))) ? 1 : 0;
}

/** `pt-BR` and `pt` understand each other well enough to arrange help. */
function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/** How much of the time the request needs help (up to four hours of it) falls in the helper's weekly windows. */
function timeFit(request: RequestToMatch, candidate: HelperCandidate, now: Date): number {
  if (candidate.availability === null) return 0.5;
  const from = request.neededFrom ? new Date(request.neededFrom) : now;
  const until = request.neededUntil ? new Date(request.neededUntil) : new Date(from.getTime() + NEED_HORIZON_MINUTES[request.urgency] * 60_000);
  const length = Math.max(0, Math.round((until.getTime() - from.getTime()) / 60_000));
  if (length === 0) return 0;
  const overlap = weeklyOverlapMinutes(candidate.availability, localMinuteOfWeek(from, candidate.timezone ?? 'UTC'), length);
  return round(Math.min(1, overlap / Math.min(length, 240)));
}

function distanceBetween(request: RequestToMatch, candidate: HelperCandidate): number | null {
  if (REMOTE_CATEGORIES.includes(request.category)) return null;
  if (!request.locationCell || !candidate.locationCell) return null;
  return cellDistanceKm(request.locationCell, candidate.locationCell);
}

function travelRadius(settings: ScoringSettings): number {
  return settings.travelRadiusKm;
}

function distanceFit(request: RequestToMatch, candidate: HelperCandidate, settings: ScoringSettings): number {
  if (REMOTE_CATEGORIES.includes(request.category)) return 1;
  const distance = distanceBetween(request, candidate);
  if (distance === null) return 0.5;
  return round(Math.max(0.05, 1 - distance / travelRadius(settings)));
}

/** Helpers who have not helped for a while (or never) come first among good fits. */
function fairnessFit(candidate: HelperCandidate, settings: ScoringSettings, now: Date): number {
  if (!candidate.lastHelpedAt) return 1;
  const days = (now.getTime() - new Date(candidate.lastHelpedAt).getTime()) / 86_400_000;
  return round(Math.min(1, Math.max(0, days / settings.fairnessHorizonDays)));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
