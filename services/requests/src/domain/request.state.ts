import type { Urgency } from '@mutuo/contracts';
import { assertNever } from '@mutuo/domain';
import type { HelpFacts } from './help-facts';
import type { Contribution, RequestEvent } from './request.events';

/** A request as rebuilt from its stream: its facts, its matches and where it stands. */

export interface Match {
  readonly matchId: string;
  readonly helperMemberId: string;
}

export interface RequestRecord extends HelpFacts {
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
  | (RequestRecord & {
      readonly status: 'fulfilled';
      readonly fulfilmentId: string;
      readonly fulfilledAt: string;
      readonly contributions: readonly Contribution[];
    })
  | (RequestRecord & { readonly status: 'cancelled'; readonly cancelledAt: string })
  | (RequestRecord & { readonly status: 'expired'; readonly expiredAt: string });
export type ExistingRequest = Exclude<RequestState, { status: 'none' }>;

/** What shows instead of the text of an erased author. */
export const FORMER_MEMBER_TEXT = 'Former member';

/** Erasure keeps the coarse cell (not personal) and drops the words and the precise point. */
const erasedText = { title: FORMER_MEMBER_TEXT, description: '' } as const;

export const isLive = (state: RequestState): state is RequestRecord & { status: LiveStatus } =>
  state.status === 'open' || state.status === 'matched' || state.status === 'in-progress';

export const initialRequestState = (): RequestState => ({ status: 'none' });

export function evolveRequest(state: RequestState, event: RequestEvent): RequestState {
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
}

export function factsOf(request: RequestRecord): HelpFacts {
  const { title, description, language, category, subcategory, window, location, visibility, quantity } = request;
  return { title, description, language, category, subcategory, window, location, visibility, quantity };
}
