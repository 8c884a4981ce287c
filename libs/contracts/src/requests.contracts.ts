import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, languageTagField, timestampField, uuidField } from './field-schemas';
import { geoPolygonField } from './membership-pods.contracts';
import { REQUEST_CATEGORIES, URGENCIES } from './vocabulary';

/**
 * Needs (requests), offers, incidents and their lifecycles, as the requests service publishes them. Free text
 * (descriptions) and precise locations never leave the service: consumers get the title, the coarse cell and
 * what they need to match, notify and credit time.
 */

/** Who may see a request or offer: the pod, the pod's region, or anyone with the link. */
export const REQUEST_VISIBILITIES = ['pod', 'region', 'public'] as const;
export type RequestVisibility = (typeof REQUEST_VISIBILITIES)[number];

/** Kinds of crisis a coordinator can declare. */
export const INCIDENT_TYPES = ['flood', 'heatwave', 'cold-snap', 'storm', 'fire', 'earthquake', 'outage', 'epidemic', 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** A geohash cell at neighbourhood size (precision 5–7): the only location that leaves the service. */
const locationCellField = () => z.string().regex(/^[0-9bcdefghjkmnpqrstuvwxyz]{5,7}$/, { message: 'Expected a geohash cell of 5–7 characters' });

/** A pod's own refinement of a category, kebab-case (`baby-food`, `wheelchair-transport`). */
const subcategoryField = () =>
  z
    .string()
    .min(2)
    .max(40)
    .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, { message: 'Use lowercase letters and digits joined by "-"' });

/**
 * When help is wanted (or offered): from/until (either may be open), or recurring by a weekly RRULE
 * (`FREQ=WEEKLY;BYDAY=SA;BYHOUR=10;BYMINUTE=0`, each occurrence lasting `durationMinutes`) between from and until.
 */
export const timeWindowField = () =>
  z.object({
    from: timestampField().nullable(),
    until: timestampField().nullable(),
    rrule: z.string().max(200).nullable(),
    durationMinutes: z.number().int().min(15).max(1440).nullable(),
  });
export type TimeWindow = z.infer<ReturnType<typeof timeWindowField>>;

/** What matching scores a request or offer on; sent whole with every post and edit. */
const matchableFields = {
  category: z.enum(REQUEST_CATEGORIES),
  subcategory: subcategoryField().nullable(),
  /** The language the author wrote in (BCP 47). */
  language: languageTagField(),
  window: timeWindowField(),
  locationCell: locationCellField().nullable(),
  visibility: z.enum(REQUEST_VISIBILITIES),
  /** How many (meals, seats, bags); null when a count makes no sense. */
  quantity: z.number().int().min(1).max(10_000).nullable(),
};

/** A need was posted. Fields after `postedAt` were added later: read them as optional. */
export const RequestPostedV1 = defineContract({
  service: 'requests',
  name: 'request-posted',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    /** The member the request is for (the poster, or the member a coordinator posted for). */
    requesterMemberId: uuidField(),
    title: displayTextField(200),
    category: z.enum(REQUEST_CATEGORIES),
    urgency: z.enum(URGENCIES),
    postedAt: timestampField(),
    subcategory: matchableFields.subcategory.optional(),
    language: matchableFields.language.optional(),
    window: matchableFields.window.optional(),
    locationCell: matchableFields.locationCell.optional(),
    visibility: matchableFields.visibility.optional(),
    quantity: matchableFields.quantity.optional(),
    regionId: uuidField().nullable().optional(),
    /** When the first match is due by the urgency's response target. */
    respondBy: timestampField().optional(),
    /** True: only coordinators may learn who asked; never show the requester to others. */
    anonymous: z.boolean().optional(),
    /** Set when a coordinator or dispatcher posted it for someone else: who posted it. */
    postedByMemberId: uuidField().nullable().optional(),
    /** The open incident whose area the request falls in. */
    incidentId: uuidField().nullable().optional(),
  }),
});
export type RequestPostedV1Data = ContractData<typeof RequestPostedV1>;

/** A request's matchable facts changed (sent whole, the latest `editedAt` wins). */
export const RequestEditedV1 = defineContract({
  service: 'requests',
  name: 'request-edited',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    title: displayTextField(200),
    urgency: z.enum(URGENCIES),
    ...matchableFields,
    respondBy: timestampField(),
    editedAt: timestampField(),
  }),
});
export type RequestEditedV1Data = ContractData<typeof RequestEditedV1>;

/** Helpers were matched to an open request (after matching's match-made). */
export const RequestMatchedV1 = defineContract({
  service: 'requests',
  name: 'request-matched',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    matchId: uuidField(),
    helperMemberIds: z.array(uuidField()).min(1).max(50),
    matchedAt: timestampField(),
    /** The first time this request was ever matched: response time is measured to it. */
    firstMatchedAt: timestampField(),
  }),
});
export type RequestMatchedV1Data = ContractData<typeof RequestMatchedV1>;

/** The match was withdrawn before the help was given: the request is open again. */
export const RequestReopenedV1 = defineContract({
  service: 'requests',
  name: 'request-reopened',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    matchId: uuidField(),
    reopenedAt: timestampField(),
  }),
});
export type RequestReopenedV1Data = ContractData<typeof RequestReopenedV1>;

/** The helper (or requester) said the help is under way. */
export const RequestStartedV1 = defineContract({
  service: 'requests',
  name: 'request-started',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    startedAt: timestampField(),
  }),
});
export type RequestStartedV1Data = ContractData<typeof RequestStartedV1>;

/**
 * The help was given, confirmed by the requester or a coordinator. Funds turns `contributions` into time
 * credits (whole minutes per helper, `hoursGivenMinutes` their sum, 0 when the help was not time).
 * `fulfilmentId` is unique per confirmation: a later RequestFulfilmentReversedV1 names it.
 */
export const RequestFulfilledV1 = defineContract({
  service: 'requests',
  name: 'request-fulfilled',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    fulfilmentId: uuidField(),
    requesterMemberId: uuidField(),
    helperMemberIds: z.array(uuidField()).max(50),
    contributions: z.array(z.object({ helperMemberId: uuidField(), minutes: z.number().int().min(0).max(10_080) })).max(50),
    hoursGivenMinutes: z.number().int().min(0).max(504_000),
    confirmedBy: z.enum(['requester', 'coordinator']),
    confirmedByMemberId: uuidField(),
    category: z.enum(REQUEST_CATEGORIES),
    postedAt: timestampField(),
    firstMatchedAt: timestampField().nullable(),
    fulfilledAt: timestampField(),
  }),
});
export type RequestFulfilledV1Data = ContractData<typeof RequestFulfilledV1>;

/** A confirmation was a mistake (a coordinator undid it): reverse the credits of `fulfilmentId`. */
export const RequestFulfilmentReversedV1 = defineContract({
  service: 'requests',
  name: 'request-fulfilment-reversed',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    fulfilmentId: uuidField(),
    reversedByMemberId: uuidField(),
    reason: displayTextField(500),
    reversedAt: timestampField(),
  }),
});
export type RequestFulfilmentReversedV1Data = ContractData<typeof RequestFulfilmentReversedV1>;

export const RequestCancelledV1 = defineContract({
  service: 'requests',
  name: 'request-cancelled',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    cancelledByMemberId: uuidField(),
    by: z.enum(['requester', 'coordinator']),
    cancelledAt: timestampField(),
  }),
});
export type RequestCancelledV1Data = ContractData<typeof RequestCancelledV1>;

/** The request's window passed before anyone fulfilled it (the expiry job). */
export const RequestExpiredV1 = defineContract({
  service: 'requests',
  name: 'request-expired',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    expiredAt: timestampField(),
  }),
});
export type RequestExpiredV1Data = ContractData<typeof RequestExpiredV1>;

/** Offers: the same matchable facts, plus what is left to give. */
const offerFacts = {
  offerId: uuidField(),
  podId: uuidField(),
  offererMemberId: uuidField(),
  title: displayTextField(200),
  ...matchableFields,
  /** What is left (null when the offer has no quantity). */
  remainingQuantity: z.number().int().min(0).max(10_000).nullable(),
};

export const OfferPostedV1 = defineContract({
  service: 'requests',
  name: 'offer-posted',
  version: 1,
  schema: z.object({ ...offerFacts, regionId: uuidField().nullable(), postedAt: timestampField() }),
});
export type OfferPostedV1Data = ContractData<typeof OfferPostedV1>;

/** The offer changed, its remaining quantity included (sent whole, the latest `editedAt` wins). */
export const OfferEditedV1 = defineContract({
  service: 'requests',
  name: 'offer-edited',
  version: 1,
  schema: z.object({ ...offerFacts, editedAt: timestampField() }),
});
export type OfferEditedV1Data = ContractData<typeof OfferEditedV1>;

const offerMoment = { offerId: uuidField(), podId: uuidField(), remainingQuantity: z.number().int().min(0).max(10_000).nullable(), at: timestampField() };

/** Do not match the offer for now. */
export const OfferPausedV1 = defineContract({ service: 'requests', name: 'offer-paused', version: 1, schema: z.object(offerMoment) });
export type OfferPausedV1Data = ContractData<typeof OfferPausedV1>;

export const OfferResumedV1 = defineContract({ service: 'requests', name: 'offer-resumed', version: 1, schema: z.object(offerMoment) });
export type OfferResumedV1Data = ContractData<typeof OfferResumedV1>;

/** The offer is over for good: withdrawn by its author, all given, or its window passed. */
export const OfferClosedV1 = defineContract({
  service: 'requests',
  name: 'offer-closed',
  version: 1,
  schema: z.object({ ...offerMoment, reason: z.enum(['withdrawn', 'exhausted', 'expired']) }),
});
export type OfferClosedV1Data = ContractData<typeof OfferClosedV1>;

/** Crisis mode: notifications broadcast to members in `area`; new requests in it are tagged and urgent by default. */
export const IncidentDeclaredV1 = defineContract({
  service: 'requests',
  name: 'incident-declared',
  version: 1,
  schema: z.object({
    incidentId: uuidField(),
    podId: uuidField(),
    regionId: uuidField().nullable(),
    name: displayTextField(200),
    type: z.enum(INCIDENT_TYPES),
    area: geoPolygonField(),
    startedAt: timestampField(),
    declaredByMemberId: uuidField(),
    declaredAt: timestampField(),
  }),
});
export type IncidentDeclaredV1Data = ContractData<typeof IncidentDeclaredV1>;

export const IncidentClosedV1 = defineContract({
  service: 'requests',
  name: 'incident-closed',
  version: 1,
  schema: z.object({
    incidentId: uuidField(),
    podId: uuidField(),
    closedByMemberId: uuidField(),
    closedAt: timestampField(),
    summary: z.object({
      requestsReceived: z.number().int().min(0),
      requestsMatched: z.number().int().min(0),
      requestsFulfilled: z.number().int().min(0),
      /** Median minutes from posting to first match, over the matched requests; null when none was matched. */
      medianMinutesToFirstMatch: z.number().min(0).nullable(),
    }),
  }),
});
export type IncidentClosedV1Data = ContractData<typeof IncidentClosedV1>;

export const REQUESTS_CONTRACTS = [
  RequestPostedV1,
  RequestEditedV1,
  RequestMatchedV1,
  RequestReopenedV1,
  RequestStartedV1,
  RequestFulfilledV1,
  RequestFulfilmentReversedV1,
  RequestCancelledV1,
  RequestExpiredV1,
  OfferPostedV1,
  OfferEditedV1,
  OfferPausedV1,
  OfferResumedV1,
  OfferClosedV1,
  IncidentDeclaredV1,
  IncidentClosedV1,
] as const;
