import fc from 'fast-check';
import { encodeGeohash, weeklyWindowRanges } from '@mutuo/domain';
import {
  DEFAULT_SCORING_SETTINGS,
  evaluateCandidate,
  explainScore,
  rankSuggestions,
  SCORE_PARTS,
  type HelperCandidate,
  type RequestToMatch,
} from './helper-scoring';

const NOW = new Date('2026-01-07T10:00:00.000Z'); // a Wednesday, 11:00 in Berlin
const graça = encodeGeohash({ lat: 38.7167, lon: -9.1307 }, 6);
const nearby = encodeGeohash({ lat: 38.7223, lon: -9.1393 }, 6);
const porto = encodeGeohash({ lat: 41.1579, lon: -8.6291 }, 6);

const request: RequestToMatch = {
  requestId: 'req-1',
  podId: 'pod-1',
  requesterMemberId: 'ana',
  category: 'groceries',
  subcategory: null,
  urgency: 'urgent',
  locationCell: graça,
  languages: ['pt'],
  neededFrom: null,
  neededUntil: null,
};

const helper = (memberId: string, overrides: Partial<HelperCandidate> = {}): HelperCandidate => ({
  memberId,
  podId: 'pod-1',
  offer: null,
  skills: ['groceries'],
  languages: ['pt', 'en'],
  locationCell: nearby,
  availability: weeklyWindowRanges([{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0', durationMinutes: 600 }]),
  timezone: 'Europe/Lisbon',
  quietHours: null,
  weeklyCapacityHours: 6,
  activeMatches: 0,
  paused: false,
  blockedWithRequester: false,
  lastHelpedAt: null,
  ...overrides,
});

const settings = DEFAULT_SCORING_SETTINGS;
const verdict = (candidate: HelperCandidate, on: RequestToMatch = request) => evaluateCandidate(on, candidate, settings, NOW);

describe('helper scoring: hard exclusions', () => {
  it('never suggests the requester for their own request', () => {
    expect(verdict(helper('ana'))).toEqual({ kind: 'excluded', reason: 'requester-themself' });
  });

  it('never suggests a paused helper', () => {
    expect(verdict(helper('bo', { paused: true }))).toEqual({ kind: 'excluded', reason: 'paused' });
  });

  it('never suggests a helper in a block with the requester (either direction is one flag)', () => {
    expect(verdict(helper('bo', { blockedWithRequester: true }))).toEqual({ kind: 'excluded', reason: 'blocked' });
  });

  it('does not wake a helper in quiet hours for an emergency, but may ask them for an urgent request', () => {
    const sleeping = helper('bo', { quietHours: { start: '09:00', end: '12:00' }, timezone: 'Europe/Berlin' });
    expect(verdict(sleeping, { ...request, urgency: 'emergency' })).toEqual({ kind: 'excluded', reason: 'quiet-hours' });
    expect(verdict(sleeping).kind).toBe('fit');
  });

  it('respects weekly capacity, counting accepted unfinished matches', () => {
    expect(verdict(helper('bo', { weeklyCapacityHours: 4, activeMatches: 2 }))).toEqual({ kind: 'excluded', reason: 'over-capacity' });
    expect(verdict(helper('bo', { weeklyCapacityHours: 4, activeMatches: 1 })).kind).toBe('fit');
    expect(verdict(helper('bo', { weeklyCapacityHours: 0 }))).toEqual({ kind: 'excluded', reason: 'over-capacity' });
  });

  it('leaves out helpers beyond the travel radius, unless the help is remote', () => {
    expect(verdict(helper('bo', { locationCell: porto }))).toEqual({ kind: 'excluded', reason: 'out-of-range' });
    expect(verdict(helper('bo', { locationCell: porto }), { ...request, category: 'translation' }).kind).toBe('fit');
  });
});

describe('helper scoring: fit and fairness', () => {
  it('explains every suggestion with all six parts', () => {
    const result = verdict(helper('bo'));
    if (result.kind !== 'fit') throw new Error('expected a fit');
    expect(Object.keys(result.parts).sort()).toEqual([...SCORE_PARTS].sort());
    expect(explainScore(result.score, result.parts)).toMatch(/^score \d\.\d\d = category .* fairness \d\.\d\d$/);
  });

  it('ranks an offer in the same category above a member without one, and a shared language above none', () => {
    const ranked = rankSuggestions(
      request,
      [helper('cy', { languages: ['de'] }), helper('bo'), helper('dee', { offer: { offerId: 'offer-1', category: 'groceries', subcategory: null } })],
      settings,
      NOW,
    );
    expect(ranked.map((s) => s.helperMemberId)).toEqual(['dee', 'bo', 'cy']);
    expect(ranked[0]!.offerId).toBe('offer-1');
  });

  it('prefers a helper who helped less recently among otherwise equal fits, and not when fairness weighs nothing', () => {
    const busy = helper('aaa', { lastHelpedAt: '2026-01-06T10:00:00.000Z' });
    const rested = helper('zzz', { lastHelpedAt: null });
    expect(rankSuggestions(request, [busy, rested], settings, NOW).map((s) => s.helperMemberId)).toEqual(['zzz', 'aaa']);
    const fairnessOff = { ...settings, weights: { ...settings.weights, fairness: 0 } };
    expect(rankSuggestions(request, [busy, rested], fairnessOff, NOW).map((s) => s.helperMemberId)).toEqual(['aaa', 'zzz']);
  });

  it('scores time by the overlap with the helper’s weekly windows', () => {
    const weekendOnly = helper('bo', { availability: weeklyWindowRanges([{ rrule: 'FREQ=WEEKLY;BYDAY=SA;BYHOUR=9;BYMINUTE=0', durationMinutes: 60 }]) });
    const tonight = { ...request, neededFrom: '2026-01-07T17:00:00.000Z', neededUntil: '2026-01-07T19:00:00.000Z' };
    const weekday = verdict(helper('cy'), tonight);
    const weekend = verdict(weekendOnly, tonight);
    expect(weekday.kind === 'fit' && weekday.parts.time).toBe(1);
    expect(weekend.kind === 'fit' && weekend.parts.time).toBe(0);
  });
});

describe('helper scoring: property', () => {
  const cells = [graça, nearby, porto, null];
  const candidateArbitrary = fc.record({
    memberId: fc.constantFrom('ana', 'bo', 'cy', 'dee', 'eli', 'fa'),
    podId: fc.constant('pod-1'),
    offer: fc.option(fc.record({ offerId: fc.uuid(), category: fc.constantFrom('groceries', 'transport'), subcategory: fc.constant(null) })),
    skills: fc.subarray(['groceries', 'transport', 'meals']),
    languages: fc.subarray(['pt', 'en', 'uk']),
    locationCell: fc.constantFrom(...cells),
    availability: fc.option(fc.constant(weeklyWindowRanges([{ rrule: 'FREQ=WEEKLY;BYDAY=WE;BYHOUR=8;BYMINUTE=0', durationMinutes: 240 }]))),
    timezone: fc.constantFrom('Europe/Lisbon', 'Europe/Berlin', 'America/New_York', null),
    quietHours: fc.option(fc.record({ start: fc.constantFrom('00:00', '08:00', '22:00'), end: fc.constantFrom('06:00', '12:00', '23:59') })),
    weeklyCapacityHours: fc.option(fc.integer({ min: 0, max: 10 })),
    activeMatches: fc.integer({ min: 0, max: 5 }),
    paused: fc.boolean(),
    blockedWithRequester: fc.boolean(),
    lastHelpedAt: fc.option(fc.constantFrom('2025-12-01T00:00:00.000Z', '2026-01-06T00:00:00.000Z')),
  });

  it('no suggestion ever breaks a hard exclusion', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(candidateArbitrary, { maxLength: 25, selector: (candidate) => candidate.memberId }),
        fc.constantFrom<RequestToMatch['urgency']>('emergency', 'urgent', 'normal'),
        fc.constantFrom('groceries', 'translation'),
        fc.constantFrom(...cells),
        fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }),
        (candidates, urgency, category, locationCell, now) => {
          const on = { ...request, urgency, category, locationCell };
          const byId = new Map<string, HelperCandidate[]>();
          for (const candidate of candidates) byId.set(candidate.memberId, [...(byId.get(candidate.memberId) ?? []), candidate]);
          for (const suggestion of rankSuggestions(on, candidates, settings, now)) {
            // The suggestion must come from a candidate row that breaks no rule, checked independently here.
            const source = byId.get(suggestion.helperMemberId)!.find((c) => (c.offer?.offerId ?? null) === suggestion.offerId)!;
            expect(source.memberId).not.toBe(on.requesterMemberId);
            expect(source.paused).toBe(false);
            expect(source.blockedWithRequester).toBe(false);
            const slots =
              source.weeklyCapacityHours === null
                ? settings.defaultCapacityMatches
                : source.weeklyCapacityHours <= 0
                  ? 0
                  : Math.max(1, Math.floor(source.weeklyCapacityHours / settings.hoursPerMatch));
            expect(source.activeMatches).toBeLessThan(slots);
            if (urgency === 'emergency' && source.quietHours) {
              const local = new Intl.DateTimeFormat('en-GB', {
                timeZone: source.timezone ?? 'UTC',
                hour: '2-digit',
                minute: '2-digit',
                hourCycle: 'h23',
              }).format(now);
              const { start, end } = source.quietHours;
              const inQuiet = start < end ? local >= start && local < end : start === end ? false : local >= start || local < end;
              expect(inQuiet).toBe(false);
            }
            if (category === 'groceries' && locationCell === porto && source.locationCell) expect(source.locationCell).toBe(porto);
            expect(suggestion.score).toBeGreaterThanOrEqual(0);
            expect(suggestion.score).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
