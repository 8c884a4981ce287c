import {
  IncidentClosedV1,
  IncidentDeclaredV1,
  OfferClosedV1,
  OfferEditedV1,
  OfferPausedV1,
  OfferPostedV1,
  OfferResumedV1,
  RequestCancelledV1,
  RequestEditedV1,
  RequestExpiredV1,
  RequestFulfilledV1,
  RequestFulfilmentReversedV1,
  RequestMatchedV1,
  RequestPostedV1,
  RequestReopenedV1,
  RequestStartedV1,
} from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { HelpFacts } from './domain/help-facts';
import type { IncidentEvent } from './domain/incident.decider';
import type { OfferEvent } from './domain/offer.decider';
import type { RequestEvent } from './domain/request.events';

/** What leaves with a request or offer: never the description or a precise point. */
function matchable(facts: HelpFacts) {
  return {
    category: facts.category,
    subcategory: facts.subcategory,
    language: facts.language,
    window: facts.window,
    locationCell: facts.location.cell,
    visibility: facts.visibility,
    quantity: facts.quantity,
  };
}

/** Which internal events leave the service, as which contract (each event carries all its contract needs). */
export const publishRequestsEvent = definePublication<RequestEvent | OfferEvent | IncidentEvent>({
  RequestPosted: (event) => {
    const d = event.data;
    return {
      contract: RequestPostedV1,
      data: {
        requestId: d.requestId,
        podId: d.podId,
        requesterMemberId: d.requesterMemberId,
        title: d.title,
        urgency: d.urgency,
        postedAt: d.postedAt,
        ...matchable(d),
        respondBy: d.respondBy,
        regionId: d.regionId,
        anonymous: d.anonymous,
        postedByMemberId: d.postedByMemberId === d.requesterMemberId ? null : d.postedByMemberId,
        incidentId: d.incidentId,
      },
    };
  },
  RequestEdited: (event) => {
    const d = event.data;
    return {
      contract: RequestEditedV1,
      data: { requestId: d.requestId, podId: event.podId!, title: d.title, urgency: d.urgency, ...matchable(d), respondBy: d.respondBy, editedAt: d.editedAt },
    };
  },
  RequestMatched: (event) => {
    const d = event.data;
    return {
      contract: RequestMatchedV1,
      data: {
        requestId: d.requestId,
        podId: event.podId!,
        matchId: d.matchId,
        helperMemberIds: [d.helperMemberId],
        matchedAt: d.matchedAt,
        firstMatchedAt: d.firstMatchedAt,
      },
    };
  },
  RequestFulfilled: (event) => {
    const d = event.data;
    return {
      contract: RequestFulfilledV1,
      data: {
        requestId: d.requestId,
        podId: event.podId!,
        fulfilmentId: d.fulfilmentId,
        requesterMemberId: d.requesterMemberId,
        helperMemberIds: d.helperMemberIds,
        contributions: d.contributions,
        hoursGivenMinutes: d.contributions.reduce((sum, contribution) => sum + contribution.minutes, 0),
        confirmedBy: d.confirmedBy,
        confirmedByMemberId: d.confirmedByMemberId,
        category: d.category,
        postedAt: d.postedAt,
        firstMatchedAt: d.firstMatchedAt,
        fulfilledAt: d.fulfilledAt,
      },
    };
  },
  RequestFulfilmentReversed: (event) => {
    const d = event.data;
    return {
      contract: RequestFulfilmentReversedV1,
      data: {
        requestId: d.requestId,
        podId: event.podId!,
        fulfilmentId: d.fulfilmentId,
        reversedByMemberId: d.reversedByMemberId,
        reason: d.reason,
        reversedAt: d.reversedAt,
      },
    };
  },
  RequestReopened: (event) => ({
    contract: RequestReopenedV1,
    data: { requestId: event.data.requestId, podId: event.podId!, matchId: event.data.matchId, reopenedAt: event.data.reopenedAt },
  }),
  RequestStarted: (event) => ({ contract: RequestStartedV1, data: { requestId: event.data.requestId, podId: event.podId!, startedAt: event.data.startedAt } }),
  RequestCancelled: (event) => ({
    contract: RequestCancelledV1,
    data: {
      requestId: event.data.requestId,
      podId: event.podId!,
      cancelledByMemberId: event.data.cancelledByMemberId,
      by: event.data.by,
      cancelledAt: event.data.cancelledAt,
    },
  }),
  RequestExpired: (event) => ({ contract: RequestExpiredV1, data: { requestId: event.data.requestId, podId: event.podId!, expiredAt: event.data.expiredAt } }),
  OfferPosted: (event) => {
    const d = event.data;
    return {
      contract: OfferPostedV1,
      data: {
        offerId: d.offerId,
        podId: event.podId!,
        offererMemberId: d.offererMemberId,
        title: d.title,
        ...matchable(d),
        remainingQuantity: d.remainingQuantity,
        regionId: d.regionId,
        postedAt: d.postedAt,
      },
    };
  },
  OfferEdited: (event) => {
    const d = event.data;
    return {
      contract: OfferEditedV1,
      data: {
        offerId: d.offerId,
        podId: event.podId!,
        offererMemberId: d.offererMemberId,
        title: d.title,
        ...matchable(d),
        remainingQuantity: d.remainingQuantity,
        editedAt: d.editedAt,
      },
    };
  },
  OfferPaused: (event) => ({
    contract: OfferPausedV1,
    data: { offerId: event.data.offerId, podId: event.podId!, remainingQuantity: event.data.remainingQuantity, at: event.data.pausedAt },
  }),
  OfferResumed: (event) => ({
    contract: OfferResumedV1,
    data: { offerId: event.data.offerId, podId: event.podId!, remainingQuantity: event.data.remainingQuantity, at: event.data.resumedAt },
  }),
  OfferClosed: (event) => ({
    contract: OfferClosedV1,
    data: {
      offerId: event.data.offerId,
      podId: event.podId!,
      remainingQuantity: event.data.remainingQuantity,
      at: event.data.closedAt,
      reason: event.data.reason,
    },
  }),
  IncidentDeclared: (event) => {
    const d = event.data;
    return {
      contract: IncidentDeclaredV1,
      data: {
        incidentId: d.incidentId,
        podId: event.podId!,
        regionId: d.regionId,
        name: d.name,
        type: d.type,
        area: d.area,
        startedAt: d.startedAt,
        declaredByMemberId: d.declaredByMemberId,
        declaredAt: d.declaredAt,
      },
    };
  },
  IncidentClosed: (event) => {
    const d = event.data;
    return {
      contract: IncidentClosedV1,
      data: { incidentId: d.incidentId, podId: event.podId!, closedByMemberId: d.closedByMemberId, closedAt: d.closedAt, summary: d.summary },
    };
  },
});
