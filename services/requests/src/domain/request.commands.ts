import type { Urgency } from '@mutuo/contracts';
import type { Command } from '@mutuo/domain';
import type { Actor, HelpFacts, HelpFactsChange, ResponseTargets } from './help-facts';
import type { Contribution } from './request.events';

/** What members, coordinators and the other services ask of a request; the decider says yes (with events) or no. */

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
