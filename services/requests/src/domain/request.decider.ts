import type { RequestCategory, Urgency } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';
import {
  applyChange,
  checkHelpFacts,
  checkUrgency,
  isCoordinator,
  mayPostForOthers,
  respondBy,
  type Actor,
  type HelpFacts,
  type HelpFactsChange,
  type ResponseTargets,
} from './help-facts';

/**
 * A need, from posting to fulfilment: posted → (edited) → matched → in progress → fulfilled, or cancelled /
 * expired. Matches come from the matching service (one per helper); fulfilment is confirmed by the requester or a
 * coordinator, with the minutes each helper gave.
 */

export interface Match {
  readonly matchId: string;
  readonly helperMemberId: string;
}

export interface Contribution {
  readonly helperMemberId: string;
  readonly minutes: number;
}

interface RequestRecord extends HelpFacts {
  readonly requestId: string;
  readonly podId: string;
  /** Who the request is for. */
  readonly requesterMemberId: string;
  /** Who posted it (a coordinator or dispatcher posting for someone), or the requester. */
  readonly postedByMemberId: string;
  /** Only coordinators may learn who asked. */
  readonly anonymous: boolean;
  readonly incidentId: string | null;
  readonly urgency: Urgency;
  readonly postedAt: string;
  readonly respondBy: string;
  readonly firstMatchedAt: string | null;
  readonly matches: readonly Match[];
  /** The author was erased: their text and precise location are gone. */
  readonly authorErased: boolean;
}

export type LiveStatus = 'open' | 'matched' | 'in-progress';
export type RequestState =
  | { readonly status: 'none' }
  | (RequestRecord & { readonly status: LiveStatus })
  | (RequestRecord & { readonly status: 'fulfilled'; readonly fulfilmentId: string; readonly fulfilledAt: string; readonly contributions: readonly Contribution[] })
  | (RequestRecord & { readonly status: 'cancelled'; readonly cancelledAt: string })
  | (RequestRecord & { readonly status: 'expired'; readonly expiredAt: string });
export type ExistingRequest = Exclude<RequestState, { status: 'none' }>;

export type PostRequest = Command<
  'PostRequest',
  HelpFacts & {
    requestId: string;
    podId: string;
    requesterMemberId: string;
    actor: Actor;
    anonymous: boolean;
    /** The open incident whose area holds the request, found by the handler. */
    incidentId: string | null;
    /** The pod's region, when requests knows it. */
    regionId: string | null;
    /** Null: urgent inside an incident, normal otherwise. */
    urgency: Urgency | null;
    responseTargets: ResponseTargets;
  }
>;
export type EditRequest = Command<'EditRequest', { change: HelpFactsChange & { urgency?: Urgency }; actor: Actor; responseTargets: ResponseTargets }>;
export type MatchRequest = Command<'MatchRequest', { matchId: string; helperMemberId: string }>;
export type WithdrawMatch = Command<'WithdrawMatch', { matchId: string }>;
export type StartHelp = Command<'StartHelp', { actor: Actor }>;
export type ConfirmFulfilment = Command<'ConfirmFulfilment', { fulfilmentId: string; actor: Actor; contributions: readonly Contribution[] }>;
export type ReverseFulfilment = Command<'ReverseFulfilment', { actor: Actor; reason: string }>;
export type CancelRequest = Command<'CancelRequest', { actor: Actor }>;
export type ExpireRequest = Command<'ExpireRequest', Record<string, never>>;
export type EraseRequestAuthor = Command<'EraseRequestAuthor', { memberId: string }>;
export type RequestCommand =
  | PostRequest
  | EditRequest
  | MatchRequest
  | WithdrawMatch
  | StartHelp
  | ConfirmFulfilment
  | ReverseFulfilment
  | CancelRequest
  | ExpireRequest
  | EraseRequestAuthor;

type PostedData = HelpFacts & {
  requestId: string;
  podId: string;
  regionId: string | null;
  requesterMemberId: string;
  postedByMemberId: string;
  anonymous: boolean;
  incidentId: string | null;
  urgency: Urgency;
  postedAt: string;
  respondBy: string;
};
export type RequestPosted = DomainEvent<'RequestPosted', PostedData>;
/** Carries the requester so the text is sealed with their key (crypto-shredding), whoever edits it. */
export type RequestEdited = DomainEvent<
  'RequestEdited',
  HelpFacts & { requestId: string; requesterMemberId: string; urgency: Urgency; respondBy: string; editedByMemberId: string; editedAt: string }
>;
export type RequestMatched = DomainEvent<'RequestMatched', { requestId: string; matchId: string; helperMemberId: string; matchedAt: string; firstMatchedAt: string }>;
export type RequestMatchWithdrawn = DomainEvent<'RequestMatchWithdrawn', { requestId: string; matchId: string; helperMemberId: string; withdrawnAt: string }>;
export type RequestReopened = DomainEvent<'RequestReopened', { requestId: string; matchId: string; reopenedAt: string }>;
export type RequestStarted = DomainEvent<'RequestStarted', { requestId: string; startedByMemberId: string; startedAt: string }>;
export type RequestFulfilled = DomainEvent<
  'RequestFulfilled',
  {
    requestId: string;
    fulfilmentId: string;
    /** Copied from the request so the published fact stands on its own (funds credits from it). */
    requesterMemberId: string;
    helperMemberIds: string[];
    category: RequestCategory;
    postedAt: string;
    firstMatchedAt: string | null;
    contributions: Contribution[];
    confirmedBy: 'requester' | 'coordinator';
    confirmedByMemberId: string;
    fulfilledAt: string;
  }
>;
export type RequestFulfilmentReversed = DomainEvent<
  'RequestFulfilmentReversed',
  { requestId: string; fulfilmentId: string; reversedByMemberId: string; reason: string; reversedAt: string }
>;
export type RequestCancelled = DomainEvent<'RequestCancelled', { requestId: string; cancelledByMemberId: string; by: 'requester' | 'coordinator'; cancelledAt: string }>;
export type RequestExpired = DomainEvent<'RequestExpired', { requestId: string; expiredAt: string }>;
export type RequestAuthorErased = DomainEvent<'RequestAuthorErased', { requestId: string; memberId: string; erasedAt: string }>;
export type RequestEvent =
  | RequestPosted
  | RequestEdited
  | RequestMatched
  | RequestMatchWithdrawn
  | RequestReopened
  | RequestStarted
  | RequestFulfilled
  | RequestFulfilmentReversed
  | RequestCancelled
  | RequestExpired
  | RequestAuthorErased;

export const REQUEST_EVENT_TYPES: readonly RequestEvent['type'][] = [
  'RequestPosted',
  'RequestEdited',
  'RequestMatched',
  'RequestMatchWithdrawn',
  'RequestReopened',
  'RequestStarted',
  'RequestFulfilled',
  'RequestFulfilmentReversed',
  'RequestCancelled',
  'RequestExpired',
  'RequestAuthorErased',
];

/** What shows instead of the text of an erased author. */
export const FORMER_MEMBER_TEXT = 'Former member';
const MAX_MINUTES_PER_HELPER = 10_080;

const isLive = (state: RequestState): state is RequestRecord & { status: LiveStatus } =>
  state.status === 'open' || state.status === 'matched' || state.status === 'in-progress';

function existing(state: RequestState): ExistingRequest {
  if (state.status === 'none') throw new DomainRuleViolation('REQUEST_NOT_FOUND', 'There is no such request', 'requestId');
  return state;
}

function live(state: RequestState, doing: string): RequestRecord & { status: LiveStatus } {
  const request = existing(state);
  if (!isLive(request)) throw new DomainRuleViolation('REQUEST_CLOSED', `A ${request.status} request cannot be ${doing}`, 'requestId');
  return request;
}

const isRequesterSide = (request: RequestRecord, actor: Actor) =>
  actor.memberId === request.requesterMemberId || actor.memberId === request.postedByMemberId;

export const requestDecider: Decider<RequestState, RequestCommand, RequestEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'PostRequest': {
        if (state.status !== 'none') throw new DomainRuleViolation('REQUEST_EXISTS', 'This request was already posted', 'requestId');
        const { requestId, podId, regionId, requesterMemberId, actor, anonymous, incidentId, responseTargets, urgency: asked, ...facts } = command.data;
        if (requesterMemberId !== actor.memberId && !mayPostForOthers(actor)) {
          throw new DomainRuleViolation('NOT_ALLOWED', 'Only a coordinator or dispatcher may post a request for someone else', 'onBehalfOfMemberId');
        }
        const urgency = checkUrgency(asked ?? (incidentId ? 'urgent' : 'normal'));
        const checked = checkHelpFacts(facts, now);
        return [
          {
            type: 'RequestPosted',
            data: {
              ...checked,
              requestId,
              podId,
              regionId,
              requesterMemberId,
              postedByMemberId: actor.memberId,
              anonymous,
              incidentId,
              urgency,
              postedAt: now,
              respondBy: respondBy(now, urgency, responseTargets),
            },
            metadata,
          },
        ];
      }
      case 'EditRequest': {
        const request = existing(state);
        if (request.status !== 'open' && request.status !== 'matched') {
          throw new DomainRuleViolation('REQUEST_NOT_EDITABLE', `A ${request.status} request can no longer be edited`, 'requestId');
        }
        const { actor, change, responseTargets } = command.data;
        if (!isRequesterSide(request, actor) && !isCoordinator(actor)) {
          throw new DomainRuleViolation('NOT_ALLOWED', 'Only the requester or a coordinator may edit this request', 'requestId');
        }
        if (request.authorErased) throw new DomainRuleViolation('REQUEST_NOT_EDITABLE', 'The author of this request was erased', 'requestId');
        const { urgency: newUrgency, ...factsChange } = change;
        const urgency = checkUrgency(newUrgency ?? request.urgency);
        const facts = checkHelpFacts(applyChange(factsOf(request), factsChange), now);
        return [
          {
            type: 'RequestEdited',
            data: {
              ...facts,
              requestId: request.requestId,
              requesterMemberId: request.requesterMemberId,
              urgency,
              // The response target still counts from posting: editing does not buy time.
              respondBy: respondBy(request.postedAt, urgency, responseTargets),
              editedByMemberId: actor.memberId,
              editedAt: now,
            },
            metadata,
          },
        ];
      }
      case 'MatchRequest': {
        const request = live(state, 'matched');
        const { matchId, helperMemberId } = command.data;
        if (request.matches.some((match) => match.matchId === matchId)) return [];
        if (helperMemberId === request.requesterMemberId) {
          throw new DomainRuleViolation('SELF_MATCH', 'A requester cannot be their own helper', 'helperMemberId');
        }
        return [
          { type: 'RequestMatched', data: { requestId: request.requestId, matchId, helperMemberId, matchedAt: now, firstMatchedAt: request.firstMatchedAt ?? now }, metadata },
        ];
      }
      case 'WithdrawMatch': {
        const request = existing(state);
        const { matchId } = command.data;
        const withdrawn = isLive(request) ? request.matches.find((match) => match.matchId === matchId) : undefined;
        if (!isLive(request) || !withdrawn) return [];
        const remaining = request.matches.filter((match) => match.matchId !== matchId);
        return remaining.length > 0
          ? [{ type: 'RequestMatchWithdrawn', data: { requestId: request.requestId, matchId, helperMemberId: withdrawn.helperMemberId, withdrawnAt: now }, metadata }]
          : [{ type: 'RequestReopened', data: { requestId: request.requestId, matchId, reopenedAt: now }, metadata }];
      }
      case 'StartHelp': {
        const request = live(state, 'started');
        const { actor } = command.data;
        if (request.status !== 'matched') {
          throw new DomainRuleViolation('REQUEST_NOT_MATCHED', request.status === 'open' ? 'Help can start once someone is matched' : 'Help has already started', 'requestId');
        }
        const helper = request.matches.some((match) => match.helperMemberId === actor.memberId);
        if (!helper && !isRequesterSide(request, actor) && !isCoordinator(actor)) {
          throw new DomainRuleViolation('NOT_ALLOWED', 'Only the requester, a matched helper or a coordinator may say help started', 'requestId');
        }
        return [{ type: 'RequestStarted', data: { requestId: request.requestId, startedByMemberId: actor.memberId, startedAt: now }, metadata }];
      }
      case 'ConfirmFulfilment': {
        const request = live(state, 'confirmed');
        const { actor, contributions, fulfilmentId } = command.data;
        const asRequester = actor.memberId === request.requesterMemberId;
        if (!asRequester && !isCoordinator(actor)) {
          throw new DomainRuleViolation('NOT_YOUR_REQUEST', 'Only the requester, or a coordinator when they cannot, may confirm this request', 'requestId');
        }
        if (request.status === 'open') throw new DomainRuleViolation('REQUEST_NOT_MATCHED', 'Nobody is matched to this request yet', 'requestId');
        const helpers = new Set(request.matches.map((match) => match.helperMemberId));
        const seen = new Set<string>();
        contributions.forEach((contribution, index) => {
          if (!helpers.has(contribution.helperMemberId)) {
            throw new DomainRuleViolation('NOT_A_HELPER', 'Hours can only be given for a matched helper', `contributions.${index}.helperMemberId`);
          }
          if (seen.has(contribution.helperMemberId)) {
            throw new DomainRuleViolation('DUPLICATE_HELPER', 'Each helper is listed once', `contributions.${index}.helperMemberId`);
          }
          seen.add(contribution.helperMemberId);
          if (!Number.isInteger(contribution.minutes) || contribution.minutes < 0 || contribution.minutes > MAX_MINUTES_PER_HELPER) {
            throw new DomainRuleViolation('INVALID_HOURS', 'Time given is whole minutes from 0 to one week', `contributions.${index}.minutes`);
          }
        });
        return [
          {
            type: 'RequestFulfilled',
            data: {
              requestId: request.requestId,
              fulfilmentId,
              requesterMemberId: request.requesterMemberId,
              helperMemberIds: [...new Set(request.matches.map((match) => match.helperMemberId))],
              category: request.category,
              postedAt: request.postedAt,
              firstMatchedAt: request.firstMatchedAt,
              contributions: [...contributions],
              confirmedBy: asRequester ? 'requester' : 'coordinator',
              confirmedByMemberId: actor.memberId,
              fulfilledAt: now,
            },
            metadata,
          },
        ];
      }
      case 'ReverseFulfilment': {
        const request = existing(state);
        const { actor, reason } = command.data;
        if (!isCoordinator(actor)) throw new DomainRuleViolation('NOT_ALLOWED', 'Only a coordinator may undo a confirmation', 'requestId');
        if (request.status !== 'fulfilled') throw new DomainRuleViolation('REQUEST_NOT_FULFILLED', 'Only a fulfilled request can be undone', 'requestId');
        const trimmed = plainText(reason, { field: 'reason', min: 3, max: 500, code: 'INVALID_REASON' });
        return [
          {
            type: 'RequestFulfilmentReversed',
            data: { requestId: request.requestId, fulfilmentId: request.fulfilmentId, reversedByMemberId: actor.memberId, reason: trimmed, reversedAt: now },
            metadata,
          },
        ];
      }
      case 'CancelRequest': {
        const request = live(state, 'cancelled');
        const { actor } = command.data;
        const asRequester = isRequesterSide(request, actor);
        if (!asRequester && !isCoordinator(actor)) {
          throw new DomainRuleViolation('NOT_ALLOWED', 'Only the requester or a coordinator may cancel this request', 'requestId');
        }
        return [
          {
            type: 'RequestCancelled',
            data: { requestId: request.requestId, cancelledByMemberId: actor.memberId, by: asRequester ? 'requester' : 'coordinator', cancelledAt: now },
            metadata,
          },
        ];
      }
      case 'ExpireRequest': {
        const request = existing(state);
        // Help under way is not cut off by the clock; closed requests stay as they are.
        if (request.status !== 'open' && request.status !== 'matched') {
          throw new DomainRuleViolation('REQUEST_NOT_EXPIRABLE', `A ${request.status} request does not expire`, 'requestId');
        }
        if (request.window.until === null || Date.parse(request.window.until) > Date.parse(now)) {
          throw new DomainRuleViolation('REQUEST_NOT_DUE', 'The request window has not ended yet', 'requestId');
        }
        return [{ type: 'RequestExpired', data: { requestId: request.requestId, expiredAt: now }, metadata }];
      }
      case 'EraseRequestAuthor': {
        const request = existing(state);
        if (request.authorErased || command.data.memberId !== request.requesterMemberId) return [];
        return [{ type: 'RequestAuthorErased', data: { requestId: request.requestId, memberId: command.data.memberId, erasedAt: now }, metadata }];
      }
      default:
        return assertNever(command, 'request command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RequestPosted':
        return { ...event.data, status: 'open', firstMatchedAt: null, matches: [], authorErased: false };
      case 'RequestEdited': {
        if (state.status === 'none') return state;
        const { requestId: _id, editedAt: _at, editedByMemberId: _by, requesterMemberId: _requester, ...facts } = event.data;
        return { ...state, ...facts };
      }
      case 'RequestMatched': {
        if (!isLive(state)) return state;
        const { matchId, helperMemberId, matchedAt } = event.data;
        return {
          ...state,
          status: state.status === 'open' ? 'matched' : state.status,
          firstMatchedAt: state.firstMatchedAt ?? matchedAt,
          matches: [...state.matches, { matchId, helperMemberId }],
        };
      }
      case 'RequestMatchWithdrawn':
        if (!isLive(state)) return state;
        return { ...state, matches: state.matches.filter((match) => match.matchId !== event.data.matchId) };
      case 'RequestReopened':
        if (!isLive(state)) return state;
        return { ...state, status: 'open', matches: [] };
      case 'RequestStarted':
        if (!isLive(state)) return state;
        return { ...state, status: 'in-progress' };
      case 'RequestFulfilled':
        if (!isLive(state)) return state;
        return {
          ...state,
          status: 'fulfilled',
          fulfilmentId: event.data.fulfilmentId,
          fulfilledAt: event.data.fulfilledAt,
          contributions: event.data.contributions,
        };
      case 'RequestFulfilmentReversed': {
        if (state.status !== 'fulfilled') return state;
        const { fulfilmentId: _f, fulfilledAt: _at, contributions: _c, ...record } = state;
        return { ...record, status: 'in-progress' };
      }
      case 'RequestCancelled':
        if (!isLive(state)) return state;
        return { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt };
      case 'RequestExpired':
        if (!isLive(state)) return state;
        return { ...state, status: 'expired', expiredAt: event.data.expiredAt };
      case 'RequestAuthorErased':
        if (state.status === 'none') return state;
        return { ...state, ...erasedText, location: { cell: state.location.cell, precise: null }, authorErased: true };
      default:
        return assertNever(event, 'request event');
    }
  },
};

/** Erasure keeps the coarse cell (not personal) and drops the words and the precise point. */
const erasedText = { title: FORMER_MEMBER_TEXT, description: '' } as const;

export function factsOf(request: RequestRecord): HelpFacts {
  const { title, description, language, category, subcategory, window, location, visibility, quantity } = request;
  return { title, description, language, category, subcategory, window, location, visibility, quantity };
}
