import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { Actor } from './help-facts';
import { offerDecider, type OfferCommand, type OfferEvent } from './offer.decider';

const NOW = '2026-11-25T09:00:00.000Z';
const metadata = (now = NOW) => ({ now, actorId: 'person-bo', podId: 'pod-1' });
const eventMetadata = (now = NOW) => ({ occurredAt: now, actorId: 'person-bo', podId: 'pod-1' });
const bo: Actor = { memberId: 'member-bo', roles: ['member'] };
const ana: Actor = { memberId: 'member-ana', roles: ['member'] };
const coordinator: Actor = { memberId: 'member-cora', roles: ['coordinator'] };
const facts = {
  title: 'Soup for four',
  description: 'Vegetable soup, Friday evening',
  language: 'en',
  category: 'meals' as const,
  subcategory: null,
  window: { from: null, until: '2026-11-28T09:00:00.000Z', rrule: null, durationMinutes: null },
  location: { cell: 'eyckr1', precise: null },
  visibility: 'pod' as const,
  quantity: 4,
};
const command = <C extends OfferCommand>(type: C['type'], data: C['data'], now = NOW): C => ({ type, data, metadata: metadata(now) }) as C;
const posted: OfferEvent = {
  type: 'OfferPosted',
  data: { ...facts, offerId: 'off-1', podId: 'pod-1', regionId: null, offererMemberId: 'member-bo', remainingQuantity: 4, postedAt: NOW },
  metadata: eventMetadata(),
};
const paused: OfferEvent = { type: 'OfferPaused', data: { offerId: 'off-1', remainingQuantity: 4, pausedAt: NOW }, metadata: eventMetadata() };
const claimed = (claimId: string, quantity: number, remainingQuantity: number): OfferEvent => ({
  type: 'OfferClaimed',
  data: { offerId: 'off-1', claimId, quantity, remainingQuantity, claimedAt: NOW },
  metadata: eventMetadata(),
});
const closed = (reason: 'withdrawn' | 'exhausted' | 'expired', at = NOW, remainingQuantity = 4): OfferEvent => ({
  type: 'OfferClosed',
  data: { offerId: 'off-1', reason, remainingQuantity, closedAt: at },
  metadata: eventMetadata(at),
});
const refused = (history: OfferEvent[], cmd: OfferCommand, code: string, field?: string) => {
  const error = spec(offerDecider).given(history).when(cmd).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  expect(error.code).toBe(code);
  if (field) expect(error.field).toBe(field);
};

describe('an offer', () => {
  it('given nothing, when a member offers something, then it is posted with all of it remaining', () => {
    spec(offerDecider)
      .given([])
      .when(command('PostOffer', { ...facts, offerId: 'off-1', podId: 'pod-1', regionId: null, actor: bo }))
      .then([posted]);
  });

  it('given nothing, when an offer has a quantity below one, then it is refused naming the quantity', () => {
    refused([], command('PostOffer', { ...facts, quantity: 0, offerId: 'off-1', podId: 'pod-1', regionId: null, actor: bo }), 'INVALID_QUANTITY', 'quantity');
  });

  it('given a posted offer, when it is posted again, then it is refused', () => {
    refused([posted], command('PostOffer', { ...facts, offerId: 'off-1', podId: 'pod-1', regionId: null, actor: bo }), 'OFFER_EXISTS');
  });

  it('given an offer with one claimed, when the quantity is raised, then what was given stays counted off', () => {
    spec(offerDecider)
      .given([posted, claimed('c-1', 1, 3)])
      .when(command('EditOffer', { change: { quantity: 6 }, actor: bo }))
      .then([
        {
          type: 'OfferEdited',
          data: { ...facts, quantity: 6, offerId: 'off-1', offererMemberId: 'member-bo', remainingQuantity: 5, editedAt: NOW },
          metadata: eventMetadata(),
        },
      ]);
  });

  it('given an offer with two given, when the quantity is lowered below that, then it is refused', () => {
    refused([posted, claimed('c-1', 2, 2)], command('EditOffer', { change: { quantity: 1 }, actor: bo }), 'INVALID_QUANTITY', 'quantity');
  });

  it('given an offer, when another member edits, pauses or withdraws it, then it is refused', () => {
    refused([posted], command('EditOffer', { change: { title: 'Mine now' }, actor: ana }), 'NOT_ALLOWED');
    refused([posted], command('PauseOffer', { actor: ana }), 'NOT_ALLOWED');
    refused([posted], command('WithdrawOffer', { actor: ana }), 'NOT_ALLOWED');
  });

  it('given an open offer, when paused and resumed, then it goes paused and open again', () => {
    spec(offerDecider)
      .given([posted])
      .when(command('PauseOffer', { actor: bo }))
      .then([paused]);
    expect(spec(offerDecider).given([posted, paused]).state().status).toBe('paused');
    spec(offerDecider)
      .given([posted, paused])
      .when(command('ResumeOffer', { actor: coordinator }))
      .then([{ type: 'OfferResumed', data: { offerId: 'off-1', remainingQuantity: 4, resumedAt: NOW }, metadata: eventMetadata() }]);
  });

  it('given a paused offer, when paused again or claimed, then it is refused; an open one cannot be resumed', () => {
    refused([posted, paused], command('PauseOffer', { actor: bo }), 'OFFER_PAUSED');
    refused([posted, paused], command('ClaimFromOffer', { claimId: 'c-1', quantity: 1 }), 'OFFER_PAUSED');
    refused([posted], command('ResumeOffer', { actor: bo }), 'OFFER_NOT_PAUSED');
  });

  it('given an offer of four, when all four are claimed, then it closes as exhausted', () => {
    spec(offerDecider)
      .given([posted, claimed('c-1', 1, 3)])
      .when(command('ClaimFromOffer', { claimId: 'c-2', quantity: 3 }))
      .then([claimed('c-2', 3, 0), closed('exhausted', NOW, 0)]);
  });

  it('given an offer, when the same claim arrives twice, then nothing more happens; claiming more than is left is refused', () => {
    spec(offerDecider)
      .given([posted, claimed('c-1', 1, 3)])
      .when(command('ClaimFromOffer', { claimId: 'c-1', quantity: 1 }))
      .then([]);
    refused([posted], command('ClaimFromOffer', { claimId: 'c-9', quantity: 5 }), 'NOT_ENOUGH_LEFT', 'quantity');
    refused([posted], command('ClaimFromOffer', { claimId: 'c-9', quantity: 0 }), 'INVALID_QUANTITY', 'quantity');
  });

  it('given an offer whose window passed, when the expiry job runs, then it closes as expired; before that it is refused', () => {
    spec(offerDecider)
      .given([posted])
      .when(command('ExpireOffer', {}, '2026-11-28T09:00:00.000Z'))
      .then([closed('expired', '2026-11-28T09:00:00.000Z')]);
    refused([posted], command('ExpireOffer', {}, '2026-11-28T08:00:00.000Z'), 'OFFER_NOT_DUE');
  });

  it.each([
    ['EditOffer', { change: { title: 'Again' }, actor: bo }],
    ['PauseOffer', { actor: bo }],
    ['ResumeOffer', { actor: bo }],
    ['ClaimFromOffer', { claimId: 'c-5', quantity: 1 }],
    ['WithdrawOffer', { actor: bo }],
    ['ExpireOffer', {}],
  ])('given a closed offer, when %s, then it is refused', (type, data) => {
    refused([posted, closed('withdrawn')], command(type as OfferCommand['type'], data as never, '2026-12-01T00:00:00.000Z'), 'OFFER_CLOSED');
  });

  it('given nothing, when anything but posting, then the offer is not found', () => {
    refused([], command('PauseOffer', { actor: bo }), 'OFFER_NOT_FOUND');
  });

  it('given an offer, when its author is erased, then its words are blanked', () => {
    const erased: OfferEvent = { type: 'OfferAuthorErased', data: { offerId: 'off-1', memberId: 'member-bo', erasedAt: NOW }, metadata: eventMetadata() };
    spec(offerDecider)
      .given([posted])
      .when(command('EraseOfferAuthor', { memberId: 'member-bo' }))
      .then([erased]);
    expect(spec(offerDecider).given([posted, erased]).state()).toMatchObject({ title: 'Former member', description: '', authorErased: true });
  });
});
