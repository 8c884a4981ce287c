import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, timestampField, uuidField } from './field-schemas';
import { EVALUATION_STATUSES, REQUEST_CATEGORIES, URGENCIES } from './vocabulary';

export const RequestEvaluatedV1 = defineContract({
  service: 'matching',
  name: 'request-evaluated',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    evaluatedAt: timestampField(),
    /** How many members could help; 0 goes with `no-candidates`. */
    candidateCount: z.number().int().min(0),
    status: z.enum(EVALUATION_STATUSES),
  }),
});
export type RequestEvaluatedV1Data = ContractData<typeof RequestEvaluatedV1>;

/**
 * How a suggestion came about: computed, or offered to a neighbouring pod (escalated). `assigned` (by hand, by a
 * dispatcher or coordinator) is shown in matching's API; it is not published as a round: match-made says `via: assigned`.
 */
export const SUGGESTION_SOURCES = ['automatic', 'assigned', 'escalated'] as const;
export type SuggestionSource = (typeof SUGGESTION_SOURCES)[number];

/** Where a match came from (match-made `origin`). */
export const MATCH_ORIGINS = ['suggested', 'offered', 'asked'] as const;

/** Who ended a match early. */
export const MATCH_WITHDRAWERS = ['requester', 'helper', 'coordinator'] as const;

const fraction = () => z.number().min(0).max(1);

/** Why a helper was suggested: each part between 0 and 1, weighted into `score`, so a coordinator can read the reasons. */
export const scorePartsField = () =>
  z.object({
    category: fraction(),
    time: fraction(),
    distance: fraction(),
    language: fraction(),
    skills: fraction(),
    fairness: fraction(),
  });

const reasonField = () => displayTextField(500).nullable();

/**
 * Ranked suggestions for one request (best first): open offers that fit and members who could help without one.
 * A new round replaces the previous one: suggestions of an earlier round that are not repeated are withdrawn.
 */
export const SuggestionsMadeV1 = defineContract({
  service: 'matching',
  name: 'suggestions-made',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    /** The request's pod. */
    podId: uuidField(),
    /** 1 for the first round; a new round after a withdrawal, an escalation or a change. */
    round: z.number().int().min(1),
    /**
     * The request's category and urgency, so whoever tells the helpers needs nothing from another stream (which may
     * arrive later). Matching sets both on every round; optional only because rounds published before they existed
     * lack them: a consumer reads those as `other` and `normal`.
     */
    category: z.enum(REQUEST_CATEGORIES).optional(),
    urgency: z.enum(URGENCIES).optional(),
    suggestions: z
      .array(
        z.object({
          suggestionId: uuidField(),
          helperMemberId: uuidField(),
          /** Differs from `podId` when the request was escalated to a neighbouring pod. */
          helperPodId: uuidField(),
          /** The helper's open offer this suggestion rests on, if any. */
          offerId: uuidField().nullable(),
          score: fraction(),
          parts: scorePartsField(),
          source: z.enum(SUGGESTION_SOURCES),
          expiresAt: timestampField(),
        }),
      )
      .max(200),
    madeAt: timestampField(),
  }),
});
export type SuggestionsMadeV1Data = ContractData<typeof SuggestionsMadeV1>;

const suggestionRef = {
  suggestionId: uuidField(),
  requestId: uuidField(),
  podId: uuidField(),
  helperMemberId: uuidField(),
  helperPodId: uuidField(),
  offerId: uuidField().nullable(),
};

/** A suggested helper said yes. The match is made once the requester confirms (or at once, see MatchMadeV1.via). */
export const SuggestionAcceptedV1 = defineContract({
  service: 'matching',
  name: 'suggestion-accepted',
  version: 1,
  schema: z.object({ ...suggestionRef, acceptedAt: timestampField() }),
});
export type SuggestionAcceptedV1Data = ContractData<typeof SuggestionAcceptedV1>;

/** A suggested helper said no, optionally saying why. */
export const SuggestionDeclinedV1 = defineContract({
  service: 'matching',
  name: 'suggestion-declined',
  version: 1,
  schema: z.object({ ...suggestionRef, reason: reasonField(), declinedAt: timestampField() }),
});
export type SuggestionDeclinedV1Data = ContractData<typeof SuggestionDeclinedV1>;

/** Which match, for which request, and the offer it took up if any. */
const matchRef = {
  matchId: uuidField(),
  requestId: uuidField(),
  /** The request's pod (match-made also names it `requesterPodId`). */
  podId: uuidField(),
  offerId: uuidField().nullable(),
};

/**
 * Both sides said yes: requests marks the request matched; membership/gateway may reveal contact details to exactly
 * these two members; funds clears hours between pods when `requesterPodId` and `helperPodId` differ.
 */
export const MatchMadeV1 = defineContract({
  service: 'matching',
  name: 'match-made',
  version: 1,
  schema: z.object({
    ...matchRef,
    suggestionId: uuidField(),
    requesterMemberId: uuidField(),
    requesterPodId: uuidField(),
    helperMemberId: uuidField(),
    helperPodId: uuidField(),
    crossPod: z.boolean(),
    /** confirmed: the requester confirmed an accepting helper; assigned: a dispatcher assigned and the helper accepted; first-accepted: an emergency goes to the first helper who accepts. */
    via: z.enum(['confirmed', 'assigned', 'first-accepted']),
    /**
     * Where the match came from: a suggestion (computed, escalated or assigned), help a member offered on the request
     * ("I can help"), or an offer the requester asked for ("could I have one?"). Absent on matches made before direct
     * responses existed: read as `suggested`.
     */
    origin: z.enum(MATCH_ORIGINS).optional(),
    matchedAt: timestampField(),
  }),
});
export type MatchMadeV1Data = ContractData<typeof MatchMadeV1>;

/** A match ended before the help was done: the request is open again (requests) and new suggestions follow; contact sharing ends. */
export const MatchWithdrawnV1 = defineContract({
  service: 'matching',
  name: 'match-withdrawn',
  version: 1,
  schema: z.object({
    ...matchRef,
    requesterMemberId: uuidField(),
    helperMemberId: uuidField(),
    helperPodId: uuidField(),
    withdrawnBy: z.enum(MATCH_WITHDRAWERS),
    reason: reasonField(),
    withdrawnAt: timestampField(),
  }),
});
export type MatchWithdrawnV1Data = ContractData<typeof MatchWithdrawnV1>;

/**
 * Nobody in the pod took up the request before its urgency's deadline, and the pod allows escalation: it is offered to
 * neighbouring pods of the region, nearest service area first. `shared` holds only what the pod's settings let leave it.
 */
export const RequestEscalatedV1 = defineContract({
  service: 'matching',
  name: 'request-escalated',
  version: 1,
  schema: z.object({
    requestId: uuidField(),
    podId: uuidField(),
    regionId: uuidField(),
    /** Nearest first. */
    toPodIds: z.array(uuidField()).min(1).max(50),
    deadline: timestampField(),
    shared: z.object({
      category: z.enum(REQUEST_CATEGORIES),
      urgency: z.enum(URGENCIES),
      /** Only when the pod shows its requests beyond itself (request visibility region or public). */
      title: displayTextField(200).nullable(),
      /** A coarse cell (precision 5, a few km) or nothing. */
      locationCell: z
        .string()
        .regex(/^[0-9bcdefghjkmnpqrstuvwxyz]{5}$/)
        .nullable(),
    }),
    escalatedAt: timestampField(),
  }),
});
export type RequestEscalatedV1Data = ContractData<typeof RequestEscalatedV1>;

/** A dispatcher or coordinator judged a suggestion (e.g. marked it wrong), for tuning the scoring. */
export const SuggestionFeedbackGivenV1 = defineContract({
  service: 'matching',
  name: 'suggestion-feedback-given',
  version: 1,
  schema: z.object({
    suggestionId: uuidField(),
    requestId: uuidField(),
    podId: uuidField(),
    helperMemberId: uuidField(),
    verdict: z.enum(['wrong', 'good']),
    reason: reasonField(),
    givenByMemberId: uuidField(),
    givenAt: timestampField(),
  }),
});
export type SuggestionFeedbackGivenV1Data = ContractData<typeof SuggestionFeedbackGivenV1>;

const noteField = () => displayTextField(500).nullable();

/**
 * "I can help": a member offered help on a request (with a note and when). Their yes is given; the requester or a
 * coordinator of the request's pod confirms it (match-made, origin `offered`). Carries the requester, category and
 * urgency so whoever tells the requester needs nothing else. The note is the helper's words, sealed with their key.
 */
export const HelpOfferedV1 = defineContract({
  service: 'matching',
  name: 'help-offered',
  version: 1,
  schema: z.object({
    ...suggestionRef,
    requesterMemberId: uuidField(),
    category: z.enum(REQUEST_CATEGORIES),
    urgency: z.enum(URGENCIES),
    note: noteField(),
    availableFrom: timestampField().nullable(),
    availableUntil: timestampField().nullable(),
    offeredAt: timestampField(),
  }),
});
export type HelpOfferedV1Data = ContractData<typeof HelpOfferedV1>;

/**
 * "Could I have one?": a requester asked for an offer they saw, for their open request. Their yes is given; the
 * offerer (`helperMemberId`) accepts (match-made, origin `asked`) or declines (suggestion-declined) before `expiresAt`.
 * The note is the requester's words, sealed with their key.
 */
export const OfferAskedForV1 = defineContract({
  service: 'matching',
  name: 'offer-asked-for',
  version: 1,
  schema: z.object({
    ...suggestionRef,
    offerId: uuidField(),
    requesterMemberId: uuidField(),
    category: z.enum(REQUEST_CATEGORIES),
    urgency: z.enum(URGENCIES),
    note: noteField(),
    expiresAt: timestampField(),
    askedAt: timestampField(),
  }),
});
export type OfferAskedForV1Data = ContractData<typeof OfferAskedForV1>;

export const MATCHING_CONTRACTS = [
  RequestEvaluatedV1,
  SuggestionsMadeV1,
  SuggestionAcceptedV1,
  SuggestionDeclinedV1,
  MatchMadeV1,
  MatchWithdrawnV1,
  RequestEscalatedV1,
  SuggestionFeedbackGivenV1,
  HelpOfferedV1,
  OfferAskedForV1,
] as const;
