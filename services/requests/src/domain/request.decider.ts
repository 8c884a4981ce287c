import { Decider, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';
import { applyChange, checkHelpFacts, checkUrgency, isCoordinator, mayPostForOthers, respondBy, type Actor } from './help-facts';
import type { RequestCommand } from './request.commands';
import type { RequestEvent } from './request.events';
import {
  evolveRequest,
  factsOf,
  initialRequestState,
  isLive,
  type ExistingRequest,
  type LiveStatus,
  type RequestRecord,
  type RequestState,
} from './request.state';

/**
 * A need, from posting to fulfilment: posted → (edited) → matched → in progress → fulfilled, or cancelled /
 * expired. Matches come from the matching service (one per helper); fulfilment is confirmed by the requester or a
 * coordinator, with the minutes each helper gave.
 */

// The decider is the way in to a request: its commands, events and state come with it.
export * from './request.commands';
export * from './request.events';
export * from './request.state';

const MAX_MINUTES_PER_HELPER = 10_080;

function existing(state: RequestState): ExistingRequest {
  if (state.status === 'none') throw new DomainRuleViolation('REQUEST_NOT_FOUND', 'There is no such request', 'requestId');
  return state;
}

function live(state: RequestState, doing: string): RequestRecord & { status: LiveStatus } {
  const request = existing(state);
  if (!isLive(request)) throw new DomainRuleViolation('REQUEST_CLOSED', `A ${request.status} request cannot be ${doing}`, 'requestId');
  return request;
}

const isRequesterSide = (request: RequestRecord, actor: Actor) => actor.memberId === request.requesterMemberId || actor.memberId === request.postedByMemberId;

export const requestDecider: Decider<RequestState, RequestCommand, RequestEvent> = {
  initialState: initialRequestState,

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
          {
            type: 'RequestMatched',
            data: { requestId: request.requestId, matchId, helperMemberId, matchedAt: now, firstMatchedAt: request.firstMatchedAt ?? now },
            metadata,
          },
        ];
      }
      case 'WithdrawMatch': {
        const request = existing(state);
        const { matchId } = command.data;
        const withdrawn = isLive(request) ? request.matches.find((match) => match.matchId === matchId) : undefined;
        if (!isLive(request) || !withdrawn) return [];
        const remaining = request.matches.filter((match) => match.matchId !== matchId);
        return remaining.length > 0
          ? [
              {
                type: 'RequestMatchWithdrawn',
                data: { requestId: request.requestId, matchId, helperMemberId: withdrawn.helperMemberId, withdrawnAt: now },
                metadata,
              },
            ]
          : [{ type: 'RequestReopened', data: { requestId: request.requestId, matchId, reopenedAt: now }, metadata }];
      }
      case 'StartHelp': {
        const request = live(state, 'started');
        const { actor } = command.data;
        if (request.status !== 'matched') {
          throw new DomainRuleViolation(
            'REQUEST_NOT_MATCHED',
            request.status === 'open' ? 'Help can start once someone is matched' : 'Help has already started',
            'requestId',
          );
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

  evolve: evolveRequest,
};
