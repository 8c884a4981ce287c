import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, timestampField, uuidField } from './field-schemas';

/**
 * Decisions a pod makes together (membership's proposals). Each event carries what its readers need: the kind and
 * title to tell members, the subject a service acts on (a funds disbursement proposal), and the tally.
 */

export const decisionKindField = () => z.enum(['general', 'funds-disbursement', 'agreement-change', 'admission', 'data-move']);
export const decisionMethodField = () => z.enum(['consent', 'majority', 'consensus']);

/** What the decision acts on outside membership, when anything. */
const subjectField = () =>
  z.discriminatedUnion('type', [z.object({ type: z.literal('none') }), z.object({ type: z.literal('disbursement'), disbursementProposalId: uuidField() })]);

const proposalFields = {
  proposalId: uuidField(),
  podId: uuidField(),
  kind: decisionKindField(),
  title: displayTextField(200),
  method: decisionMethodField(),
  /** Each amendment starts a new round. */
  round: z.number().int().min(1),
  deadline: timestampField(),
};

/** A proposal opened (round 1) or was amended (a later round): the electorate can vote until the deadline. */
export const ProposalOpenedV1 = defineContract({
  service: 'membership',
  name: 'proposal-opened',
  version: 1,
  schema: z.object({
    ...proposalFields,
    /** The members who may vote in this round. */
    electorateMemberIds: z.array(uuidField()).min(1).max(10_000),
    openedAt: timestampField(),
  }),
});
export type ProposalOpenedV1Data = ContractData<typeof ProposalOpenedV1>;

/** A day is left to vote on a proposal's round. */
export const ProposalDeadlineNearV1 = defineContract({
  service: 'membership',
  name: 'proposal-deadline-near',
  version: 1,
  schema: z.object({ ...proposalFields, electorateMemberIds: z.array(uuidField()).min(1).max(10_000) }),
});
export type ProposalDeadlineNearV1Data = ContractData<typeof ProposalDeadlineNearV1>;

/** A proposal was decided at its deadline, with its tally; `passed` is the only outcome that lets anything go ahead. */
export const ProposalDecidedV1 = defineContract({
  service: 'membership',
  name: 'proposal-decided',
  version: 1,
  schema: z.object({
    ...proposalFields,
    subject: subjectField(),
    outcome: z.enum(['passed', 'rejected', 'blocked', 'no-quorum']),
    tally: z.object({
      electorateSize: z.number().int().min(0),
      votesCast: z.number().int().min(0),
      /** Each position of the method (consent/object, for/against/abstain, agree/stand-aside/block) and its count. */
      positions: z.partialRecord(z.enum(['consent', 'object', 'for', 'against', 'abstain', 'agree', 'stand-aside', 'block']), z.number().int().min(0)),
    }),
    /** Everyone the pod tells of the result: the round's electorate. */
    electorateMemberIds: z.array(uuidField()).max(10_000),
    decidedAt: timestampField(),
  }),
});
export type ProposalDecidedV1Data = ContractData<typeof ProposalDecidedV1>;

export const MEMBERSHIP_DECISION_CONTRACTS = [ProposalOpenedV1, ProposalDeadlineNearV1, ProposalDecidedV1] as const;
