import { HelpOfferedV1, MatchMadeV1, MatchWithdrawnV1, OfferAskedForV1, RequestEscalatedV1, SuggestionsMadeV1 } from './matching.contracts';
import { findContract } from './registry';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const otherPod = '5b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const requestId = '4d5e6f70-8192-4dbe-af30-4b5c6d7e8f90';
const ana = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const bo = '6c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = '2026-11-25T10:00:00.000Z';

const issuePaths = (result: { ok: boolean; error?: { issues: readonly { path: string }[] } }) => (result.ok ? [] : result.error!.issues.map((i) => i.path));

describe('matching contracts', () => {
  it('are all registered under matching.*', () => {
    for (const contract of [SuggestionsMadeV1, MatchMadeV1, MatchWithdrawnV1, RequestEscalatedV1, HelpOfferedV1, OfferAskedForV1]) {
      expect(findContract(contract.type)).toBe(contract);
      expect(contract.type).toMatch(/^matching\./);
    }
  });

  it('suggestions-made explains every suggestion with its score parts, each between 0 and 1', () => {
    const parts = { category: 1, time: 0.5, distance: 0.8, language: 1, skills: 1, fairness: 0.2 };
    const made = {
      requestId,
      podId,
      round: 1,
      suggestions: [{ suggestionId: id(1), helperMemberId: bo, helperPodId: podId, offerId: null, score: 0.77, parts, source: 'automatic', expiresAt: at }],
      madeAt: at,
    };
    expect(SuggestionsMadeV1.parse(made).ok).toBe(true);
    expect(issuePaths(SuggestionsMadeV1.parse({ ...made, suggestions: [{ ...made.suggestions[0], score: 1.5, parts: { ...parts, time: -1 } }] }))).toEqual([
      'suggestions[0].score',
      'suggestions[0].parts.time',
    ]);
  });

  it('suggestions-made carries the request category and urgency; rounds published before they existed still parse', () => {
    const made = { requestId, podId, round: 1, suggestions: [], madeAt: at };
    expect(SuggestionsMadeV1.parse({ ...made, category: 'groceries', urgency: 'emergency' })).toMatchObject({
      ok: true,
      data: { category: 'groceries', urgency: 'emergency' },
    });
    expect(SuggestionsMadeV1.parse(made)).toMatchObject({ ok: true, data: { round: 1 } });
    expect(issuePaths(SuggestionsMadeV1.parse({ ...made, category: 'anything', urgency: 'soon' }))).toEqual(['category', 'urgency']);
  });

  it('match-made names both members and both pods, so a cross-pod match can be cleared', () => {
    const made = {
      matchId: id(2),
      requestId,
      podId,
      offerId: null,
      suggestionId: id(1),
      requesterMemberId: ana,
      requesterPodId: podId,
      helperMemberId: bo,
      helperPodId: otherPod,
      crossPod: true,
      via: 'first-accepted',
      matchedAt: at,
    };
    expect(MatchMadeV1.parse(made).ok).toBe(true);
    expect(issuePaths(MatchMadeV1.parse({ ...made, via: 'magic', helperPodId: 'x' }))).toEqual(['helperPodId', 'via']);
  });

  it('request-escalated shares only a coarse cell', () => {
    const escalated = {
      requestId,
      podId,
      regionId: id(3),
      toPodIds: [otherPod],
      deadline: at,
      shared: { category: 'medical', urgency: 'emergency', title: null, locationCell: 'eyckr' },
      escalatedAt: at,
    };
    expect(RequestEscalatedV1.parse(escalated).ok).toBe(true);
    expect(issuePaths(RequestEscalatedV1.parse({ ...escalated, shared: { ...escalated.shared, locationCell: 'eyckr7q' } }))).toEqual(['shared.locationCell']);
  });

  it('match-made names its origin; matches published before direct responses (no origin) still parse', () => {
    const made = {
      matchId: id(2),
      requestId,
      podId,
      offerId: null,
      suggestionId: id(1),
      requesterMemberId: ana,
      requesterPodId: podId,
      helperMemberId: bo,
      helperPodId: podId,
      crossPod: false,
      via: 'confirmed',
      matchedAt: at,
    };
    expect(MatchMadeV1.parse({ ...made, origin: 'offered' })).toMatchObject({ ok: true, data: { origin: 'offered' } });
    expect(MatchMadeV1.parse(made).ok).toBe(true);
    expect(issuePaths(MatchMadeV1.parse({ ...made, origin: 'volunteered' }))).toEqual(['origin']);
  });

  it('help-offered carries the requester, the note and the window; a window that is no timestamp is refused', () => {
    const offered = {
      suggestionId: id(4),
      requestId,
      podId,
      helperMemberId: bo,
      helperPodId: podId,
      offerId: null,
      requesterMemberId: ana,
      category: 'transport',
      urgency: 'normal',
      note: 'I have a van on Saturday',
      availableFrom: at,
      availableUntil: null,
      offeredAt: at,
    };
    expect(HelpOfferedV1.parse(offered).ok).toBe(true);
    expect(issuePaths(HelpOfferedV1.parse({ ...offered, availableFrom: 'Saturday', requesterMemberId: 'ana' }))).toEqual([
      'requesterMemberId',
      'availableFrom',
    ]);
  });

  it('offer-asked-for names the offer, the offerer as helper and when the ask lapses', () => {
    const asked = {
      suggestionId: id(5),
      requestId,
      podId,
      helperMemberId: bo,
      helperPodId: podId,
      offerId: id(6),
      requesterMemberId: ana,
      category: 'meals',
      urgency: 'urgent',
      note: null,
      expiresAt: at,
      askedAt: at,
    };
    expect(OfferAskedForV1.parse(asked).ok).toBe(true);
    expect(issuePaths(OfferAskedForV1.parse({ ...asked, offerId: null }))).toEqual(['offerId']);
  });
});
