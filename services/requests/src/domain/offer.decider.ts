import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { applyChange, checkHelpFacts, isCoordinator, type Actor, type HelpFacts, type HelpFactsChange } from './help-facts';

/**
 * Something a member can give, for as long as there is some left: posted → (edited, paused ⇄ resumed,
 * claimed) → closed (withdrawn, exhausted or expired).
 */

interface OfferRecord extends HelpFacts {
  readonly offerId: string;
  readonly podId: string;
  readonly offererMemberId: string;
  readonly postedAt: string;
  /** What is left to give; null when the offer has no quantity. */
  readonly remainingQuantity: number | null;
  readonly claimIds: readonly string[];
  readonly authorErased: boolean;
}

export type OfferCloseReason = 'withdrawn' | 'exhausted' | 'expired';
export type OfferState =
  | { readonly status: 'none' }
  | (OfferRecord & { readonly status: 'open' | 'paused' })
  | (OfferRecord & { readonly status: 'closed'; readonly closedAt: string; readonly reason: OfferCloseReason });

/** An offer that has been made: every state but the initial one. */
export type ExistingOffer = Exclude<OfferState, { status: 'none' }>;

export type PostOffer = Command<'PostOffer', HelpFacts & { offerId: string; podId: string; regionId: string | null; actor: Actor }>;
export type EditOffer = Command<'EditOffer', { change: HelpFactsChange; actor: Actor }>;
export type PauseOffer = Command<'PauseOffer', { actor: Actor }>;
export type ResumeOffer = Command<'ResumeOffer', { actor: Actor }>;
/** Part of the offer was taken up (a match that named it): `claimId` makes a repeat harmless. */
export type ClaimFromOffer = Command<'ClaimFromOffer', { claimId: string; quantity: number }>;
export type WithdrawOffer = Command<'WithdrawOffer', { actor: Actor }>;
export type ExpireOffer = Command<'ExpireOffer', Record<string, never>>;
export type EraseOfferAuthor = Command<'EraseOfferAuthor', { memberId: string }>;
export type OfferCommand = PostOffer | EditOffer | PauseOffer | ResumeOffer | ClaimFromOffer | WithdrawOffer | ExpireOffer | EraseOfferAuthor;

export type OfferPosted = DomainEvent<
  'OfferPosted',
  HelpFacts & { offerId: string; podId: string; regionId: string | null; offererMemberId: string; remainingQuantity: number | null; postedAt: string }
>;
export type OfferEdited = DomainEvent<
  'OfferEdited',
  HelpFacts & { offerId: string; offererMemberId: string; remainingQuantity: number | null; editedAt: string }
>;
export type OfferPaused = DomainEvent<'OfferPaused', { offerId: string; remainingQuantity: number | null; pausedAt: string }>;
export type OfferResumed = DomainEvent<'OfferResumed', { offerId: string; remainingQuantity: number | null; resumedAt: string }>;
export type OfferClaimed = DomainEvent<
  'OfferClaimed',
  { offerId: string; claimId: string; quantity: number; remainingQuantity: number | null; claimedAt: string }
>;
export type OfferClosed = DomainEvent<'OfferClosed', { offerId: string; reason: OfferCloseReason; remainingQuantity: number | null; closedAt: string }>;
export type OfferAuthorErased = DomainEvent<'OfferAuthorErased', { offerId: string; memberId: string; erasedAt: string }>;
export type OfferEvent = OfferPosted | OfferEdited | OfferPaused | OfferResumed | OfferClaimed | OfferClosed | OfferAuthorErased;

export const OFFER_EVENT_TYPES: readonly OfferEvent['type'][] = [
  'OfferPosted',
  'OfferEdited',
  'OfferPaused',
  'OfferResumed',
  'OfferClaimed',
  'OfferClosed',
  'OfferAuthorErased',
];

function active(state: OfferState, doing: string): OfferRecord & { status: 'open' | 'paused' } {
  if (state.status === 'none') throw new DomainRuleViolation('OFFER_NOT_FOUND', 'There is no such offer', 'offerId');
  if (state.status === 'closed') throw new DomainRuleViolation('OFFER_CLOSED', `A closed offer cannot be ${doing}`, 'offerId');
  return state;
}

function ownedBy(offer: OfferRecord, actor: Actor): void {
  if (actor.memberId !== offer.offererMemberId && !isCoordinator(actor)) {
    throw new DomainRuleViolation('NOT_ALLOWED', 'Only the member who offered it or a coordinator may change this offer', 'offerId');
  }
}

export const offerDecider: Decider<OfferState, OfferCommand, OfferEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'PostOffer': {
        if (state.status !== 'none') throw new DomainRuleViolation('OFFER_EXISTS', 'This offer was already posted', 'offerId');
        const { offerId, podId, regionId, actor, ...facts } = command.data;
        const checked = checkHelpFacts(facts, now);
        return [
          {
            type: 'OfferPosted',
            data: { ...checked, offerId, podId, regionId, offererMemberId: actor.memberId, remainingQuantity: checked.quantity, postedAt: now },
            metadata,
          },
        ];
      }
      case 'EditOffer': {
        const offer = active(state, 'edited');
        ownedBy(offer, command.data.actor);
        if (offer.authorErased) throw new DomainRuleViolation('OFFER_CLOSED', 'The author of this offer was erased', 'offerId');
        const facts = checkHelpFacts(applyChange(factsOf(offer), command.data.change), now);
        // What was already given stays given: a new quantity counts it off.
        const given = offer.quantity !== null && offer.remainingQuantity !== null ? offer.quantity - offer.remainingQuantity : 0;
        if (facts.quantity !== null && facts.quantity < given) {
          throw new DomainRuleViolation('INVALID_QUANTITY', `${given} were already given: the quantity cannot be less`, 'quantity');
        }
        const remainingQuantity = facts.quantity === null ? null : facts.quantity - given;
        return [
          {
            type: 'OfferEdited',
            data: { ...facts, offerId: offer.offerId, offererMemberId: offer.offererMemberId, remainingQuantity, editedAt: now },
            metadata,
          },
        ];
      }
      case 'PauseOffer': {
        const offer = active(state, 'paused');
        ownedBy(offer, command.data.actor);
        if (offer.status === 'paused') throw new DomainRuleViolation('OFFER_PAUSED', 'The offer is already paused', 'offerId');
        return [{ type: 'OfferPaused', data: { offerId: offer.offerId, remainingQuantity: offer.remainingQuantity, pausedAt: now }, metadata }];
      }
      case 'ResumeOffer': {
        const offer = active(state, 'resumed');
        ownedBy(offer, command.data.actor);
        if (offer.status !== 'paused') throw new DomainRuleViolation('OFFER_NOT_PAUSED', 'Only a paused offer can be resumed', 'offerId');
        return [{ type: 'OfferResumed', data: { offerId: offer.offerId, remainingQuantity: offer.remainingQuantity, resumedAt: now }, metadata }];
      }
      case 'ClaimFromOffer': {
        const offer = active(state, 'claimed');
        const { claimId, quantity } = command.data;
        if (offer.claimIds.includes(claimId)) return [];
        if (offer.status === 'paused') throw new DomainRuleViolation('OFFER_PAUSED', 'A paused offer cannot be taken up', 'offerId');
        if (!Number.isInteger(quantity) || quantity < 1) throw new DomainRuleViolation('INVALID_QUANTITY', 'Claim at least one', 'quantity');
        if (offer.remainingQuantity !== null && quantity > offer.remainingQuantity) {
          throw new DomainRuleViolation('NOT_ENOUGH_LEFT', `Only ${offer.remainingQuantity} left`, 'quantity');
        }
        const remainingQuantity = offer.remainingQuantity === null ? null : offer.remainingQuantity - quantity;
        const claimed: OfferEvent = { type: 'OfferClaimed', data: { offerId: offer.offerId, claimId, quantity, remainingQuantity, claimedAt: now }, metadata };
        return remainingQuantity === 0
          ? [claimed, { type: 'OfferClosed', data: { offerId: offer.offerId, reason: 'exhausted', remainingQuantity: 0, closedAt: now }, metadata }]
          : [claimed];
      }
      case 'WithdrawOffer': {
        const offer = active(state, 'withdrawn');
        ownedBy(offer, command.data.actor);
        return [
          { type: 'OfferClosed', data: { offerId: offer.offerId, reason: 'withdrawn', remainingQuantity: offer.remainingQuantity, closedAt: now }, metadata },
        ];
      }
      case 'ExpireOffer': {
        const offer = active(state, 'expired');
        if (offer.window.until === null || Date.parse(offer.window.until) > Date.parse(now)) {
          throw new DomainRuleViolation('OFFER_NOT_DUE', 'The offer window has not ended yet', 'offerId');
        }
        return [
          { type: 'OfferClosed', data: { offerId: offer.offerId, reason: 'expired', remainingQuantity: offer.remainingQuantity, closedAt: now }, metadata },
        ];
      }
      case 'EraseOfferAuthor': {
        if (state.status === 'none' || state.authorErased || state.offererMemberId !== command.data.memberId) return [];
        return [{ type: 'OfferAuthorErased', data: { offerId: state.offerId, memberId: command.data.memberId, erasedAt: now }, metadata }];
      }
      default:
        return assertNever(command, 'offer command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'OfferPosted': {
        const { regionId: _region, ...record } = event.data;
        return { ...record, status: 'open', claimIds: [], authorErased: false };
      }
      case 'OfferEdited': {
        if (state.status === 'none') return state;
        const { offerId: _id, editedAt: _at, offererMemberId: _by, ...facts } = event.data;
        return { ...state, ...facts };
      }
      case 'OfferPaused':
        return state.status === 'open' ? { ...state, status: 'paused' } : state;
      case 'OfferResumed':
        return state.status === 'paused' ? { ...state, status: 'open' } : state;
      case 'OfferClaimed':
        if (state.status === 'none') return state;
        return { ...state, remainingQuantity: event.data.remainingQuantity, claimIds: [...state.claimIds, event.data.claimId] };
      case 'OfferClosed':
        if (state.status === 'none') return state;
        return { ...state, status: 'closed', closedAt: event.data.closedAt, reason: event.data.reason };
      case 'OfferAuthorErased':
        if (state.status === 'none') return state;
        return { ...state, title: 'Former member', description: '', location: { cell: state.location.cell, precise: null }, authorErased: true };
      default:
        return assertNever(event, 'offer event');
    }
  },
};

function factsOf(offer: OfferRecord): HelpFacts {
  const { title, description, language, category, subcategory, window, location, visibility, quantity } = offer;
  return { title, description, language, category, subcategory, window, location, visibility, quantity };
}
