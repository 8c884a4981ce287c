import type { INestApplication } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { inPodTransaction } from '@mutuo/event-store';
import { forbidden, requireIdentity, requirePod, type SubgraphContext } from '@mutuo/platform';
import { Clock, toGraphQLEnum } from '@mutuo/service-kit';
import { ClearingPositionQueries } from '../clearing/clearing-position.queries';
import { RecordContributionHandler, type RecordContributionInput } from '../contributions/record-contribution.handler';
import { checkUuid } from '../funds.input';
import { DisbursementsHandler, type ProposeDisbursementInput } from '../disbursements/disbursements.handler';
import { DisbursementsQueries, type ProposalRow } from '../disbursements/disbursements.queries';
import type { DisbursementState } from '../domain/disbursement.decider';
import type { PostedTransfer } from '../domain/ledger.types';
import type { FundsPolicy, FundsPolicyChanges } from '../domain/pod-funds-policy.decider';
import type { PublicReport } from '../domain/public-report';
import { fundsCaller } from '../funds.caller';
import { FundsPolicies } from '../shared/funds-policies.repository';
import { derivedTransferId } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';
import { withLedgerErrors } from '../shared/ledger.errors';
import { LedgerQueries, type AccountRow, type TransferRow } from '../ledger/ledger.queries';
import { PersonalTexts } from '../shared/personal-texts.store';
import { PodRoles } from '../shared/pod-roles.repository';
import { TimeGiftsHandler } from '../time-bank/time-gifts.handler';
import { PublicReportQueries } from '../transparency/public-report.queries';

const STATUS_FILTER = new Set(['PROPOSED', 'APPROVED', 'REJECTED', 'PAID']);

interface MemberRef {
  formerMember: boolean;
  member: { __typename: 'Member'; id: string } | null;
}

interface ProposalView {
  id: string;
  requestId: string | null;
  proposedBy: MemberRef;
  recipient: MemberRef | null;
  currency: string;
  amountMinor: number;
  category: string;
  reason: string | null;
  emergency: boolean;
  route: string;
  approvalsRequired: number;
  approvals: MemberRef[];
  overBudget: boolean;
  status: string;
  rejectionReason: string | null;
  transferId: string | null;
  processorReference: string | null;
  proposedAt: string;
}

/** Timestamps arrive from raw queries as Date or text, depending on the driver's parsing. */
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function memberRef(memberId: string, former: ReadonlySet<string>): MemberRef {
  return former.has(memberId) ? { formerMember: true, member: null } : { formerMember: false, member: { __typename: 'Member', id: memberId } };
}

function transferView(transfer: TransferRow | PostedTransfer) {
  if ('transferId' in transfer) {
    return { ...transfer, id: transfer.transferId, reversedByTransferId: null, kind: toGraphQLEnum(transfer.kind) };
  }
  return {
    id: transfer.id,
    unit: transfer.unit,
    amountMinor: Number(transfer.amount_minor),
    debitAccountId: transfer.debit_account_id,
    creditAccountId: transfer.credit_account_id,
    kind: toGraphQLEnum(transfer.kind),
    reversesTransferId: transfer.reverses_transfer_id,
    reversedByTransferId: transfer.reversed_by_transfer_id,
    requestId: transfer.request_id,
    sourceId: transfer.source_id,
    category: transfer.category,
    postedAt: iso(transfer.posted_at),
  };
}

function accountView(account: AccountRow, former: ReadonlySet<string>) {
  return {
    id: account.id,
    kind: toGraphQLEnum(account.kind),
    unit: account.unit,
    balanceMinor: Number(account.balance_minor),
    floorMinor: account.floor_minor === null ? null : Number(account.floor_minor),
    debitsMinor: Number(account.debits_minor),
    creditsMinor: Number(account.credits_minor),
    member: account.member_id ? memberRef(account.member_id, former) : null,
    counterpartyPodId: account.counterparty_pod_id,
    openedAt: iso(account.opened_at),
  };
}

function proposalFromRow(row: ProposalRow, former: ReadonlySet<string>): ProposalView {
  return {
    id: row.id,
    requestId: row.request_id,
    proposedBy: memberRef(row.proposed_by_member_id, former),
    recipient: row.recipient_member_id ? memberRef(row.recipient_member_id, former) : null,
    currency: row.currency,
    amountMinor: Number(row.amount_minor),
    category: row.category,
    reason: row.reason,
    emergency: row.emergency,
    route: toGraphQLEnum(row.route),
    approvalsRequired: row.approvals_required,
    approvals: row.approver_member_ids.map((id) => memberRef(id, former)),
    overBudget: row.over_budget,
    status: toGraphQLEnum(row.status),
    rejectionReason: row.rejection_reason,
    transferId: row.transfer_id,
    processorReference: row.processor_reference,
    proposedAt: iso(row.proposed_at),
  };
}

function policyView(policy: FundsPolicy) {
  return {
    ...policy,
    monthlyBudgets: Object.entries(policy.monthlyBudgets).map(([category, amountMinor]) => ({ category, amountMinor })),
  };
}

function reportView(report: PublicReport) {
  return { ...report, period: report.period.label, from: report.period.from, until: report.period.until };
}

export function fundsResolvers(app: INestApplication) {
  const em = app.get(EntityManager);
  const ledger = app.get(Ledger);
  const ledgerQueries = app.get(LedgerQueries);
  const proposals = app.get(DisbursementsQueries);
  const disbursements = app.get(DisbursementsHandler);
  const contributions = app.get(RecordContributionHandler);
  const policies = app.get(FundsPolicies);
  const roles = app.get(PodRoles);
  const clock = app.get(Clock);
  const texts = app.get(PersonalTexts);
  const gifts = app.get(TimeGiftsHandler);
  const reports = app.get(PublicReportQueries);
  const clearing = app.get(ClearingPositionQueries);

  /** The caller's pod; partner clients have no access to money. */
  const podOf = (ctx: SubgraphContext): string => {
    const { identity, podId } = requirePod(ctx);
    if (identity.clientId !== undefined) throw forbidden("Partner clients may not read a pod's funds");
    return podId;
  };

  /** A proposal as a command left it (read models may not have caught up yet). */
  async function proposalFromState(podId: string, state: DisbursementState): Promise<ProposalView> {
    if (state.status === 'none') throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such disbursement proposal', 'proposalId');
    const { proposal } = state;
    const rejectionId = state.status === 'rejected' ? state.rejectionReasonTextId : null;
    const [found, former] = await Promise.all([
      inPodTransaction(em.fork(), podId, (tx) => texts.read(tx, [proposal.reasonTextId, ...(rejectionId ? [rejectionId] : [])])),
      ledgerQueries.formerMembers(podId),
    ]);
    return {
      id: proposal.proposalId,
      requestId: proposal.requestId,
      proposedBy: memberRef(proposal.proposedByMemberId, former),
      recipient: proposal.recipientMemberId ? memberRef(proposal.recipientMemberId, former) : null,
      currency: proposal.currency,
      amountMinor: proposal.amountMinor,
      category: proposal.category,
      reason: found.get(proposal.reasonTextId) ?? null,
      emergency: proposal.emergency,
      route: toGraphQLEnum(proposal.route),
      approvalsRequired: proposal.approvalsRequired,
      approvals: state.approverMemberIds.map((id) => memberRef(id, former)),
      overBudget: proposal.overBudget,
      status: toGraphQLEnum(state.status),
      rejectionReason: rejectionId ? (found.get(rejectionId) ?? null) : null,
      transferId: state.status === 'paid' ? state.transferId : null,
      processorReference: state.status === 'paid' ? state.processorReference : null,
      proposedAt: proposal.proposedAt,
    };
  }

  const proposalMutation = (work: (ctx: SubgraphContext) => Promise<DisbursementState>) => async (ctx: SubgraphContext) => {
    const podId = podOf(ctx);
    return proposalFromState(podId, await withLedgerErrors(() => work(ctx)));
  };

  return {
    Pod: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      accounts: async (pod: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        if (podId !== pod.id) return [];
        const former = await ledgerQueries.formerMembers(podId);
        return (await ledgerQueries.accounts(podId)).map((account) => accountView(account, former));
      },
    },
    Request: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      disbursements: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const former = await ledgerQueries.formerMembers(podId);
        return (await proposals.forRequest(podId, request.id)).map((row) => proposalFromRow(row, former));
      },
      hoursGivenMinutes: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const rows = await ledgerQueries.transfersForRequest(podOf(ctx), request.id);
        // Time credited to helpers: exchanges plus the helper-side clearing legs, minus their reversals.
        const credited = (row: TransferRow) => row.unit === 'HOUR' && (row.kind === 'time-exchange' || row.kind === 'clearing');
        const originals = new Map(rows.map((row) => [row.id, row]));
        return rows.reduce((sum, row) => {
          if (credited(row)) return sum + Number(row.amount_minor);
          const original = row.reverses_transfer_id ? originals.get(row.reverses_transfer_id) : undefined;
          return original && credited(original) ? sum - Number(row.amount_minor) : sum;
        }, 0);
      },
      timeTransfers: async (request: { id: string }, _: unknown, ctx: SubgraphContext) =>
        (await ledgerQueries.transfersForRequest(podOf(ctx), request.id)).filter((row) => row.unit === 'HOUR').map(transferView),
    },
    Query: {
      fundsAccount: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const account = await ledgerQueries.account(podId, checkUuid(args.id, 'id'));
        return account ? accountView(account, await ledgerQueries.formerMembers(podId)) : null;
      },
      transfers: async (_: unknown, args: { accountId?: string | null; first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        const page = await ledgerQueries.transfers(podOf(ctx), { ...args, accountId: args.accountId ? checkUuid(args.accountId, 'accountId') : null });
        return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: transferView(edge.node) })) };
      },
      disbursementProposals: async (_: unknown, args: { status?: string | null }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        if (args.status && !STATUS_FILTER.has(args.status)) throw new DomainRuleViolation('INVALID_STATUS', 'Unknown status', 'status');
        const former = await ledgerQueries.formerMembers(podId);
        return (await proposals.list(podId, args.status ? args.status.toLowerCase() : null)).map((row) => proposalFromRow(row, former));
      },
      disbursementProposal: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const row = await proposals.byId(podId, checkUuid(args.id, 'id'));
        return row ? proposalFromRow(row, await ledgerQueries.formerMembers(podId)) : null;
      },
      fundsPolicy: async (_: unknown, __: unknown, ctx: SubgraphContext) => policyView(await policies.of(em.fork(), podOf(ctx))),
      // Public: the gateway lets it through without a token (ANONYMOUS_QUERIES); it shows figures, never names.
      publicFundsReport: async (_: unknown, args: { podId: string; period: string }) => {
        const podId = checkUuid(args.podId, 'podId');
        if (!(await reports.podExists(podId))) throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id keeps funds here', 'podId');
        return reportView(await reports.report(podId, args.period));
      },
      fundsReportTrace: async (_: unknown, args: { period: string; figure: string }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        if (!caller.coordinator && !caller.treasurer) throw forbidden('Only coordinators and treasurers trace report figures to transfers');
        const ids = await reports.trace(caller.podId, args.period, args.figure);
        return (await ledgerQueries.transfersByIds(caller.podId, ids)).map(transferView);
      },
      clearingPosition: async (_: unknown, __: unknown, ctx: SubgraphContext) => {
        // A member's region is their pod's; a token's region claim is a slug, never an id.
        const { podId, regionId: regionSlug } = requireIdentity(ctx);
        if (!podId && !regionSlug) throw forbidden('This needs a pod or a region: your token names neither');
        const regionId = podId ? await clearing.regionOfPod(podId) : regionSlug ? await clearing.regionBySlug(regionSlug) : null;
        if (!regionId) throw new DomainRuleViolation('REGION_NOT_FOUND', 'Funds does not know your region yet', 'region');
        return clearing.region(regionId);
      },
    },
    Mutation: {
      recordContribution: async (_: unknown, args: { input: RecordContributionInput }, ctx: SubgraphContext) => {
        podOf(ctx);
        const contribution = await withLedgerErrors(() => contributions.record(args.input, ctx));
        return { ...contribution, id: contribution.contributionId };
      },
      proposeDisbursement: (_: unknown, args: { input: ProposeDisbursementInput }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.propose(args.input, c))(ctx),
      approveDisbursement: (_: unknown, args: { proposalId: string }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.approve(args.proposalId, c))(ctx),
      recordPodDecision: (_: unknown, args: { input: { proposalId: string; approved: boolean; note: string } }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.recordPodDecision(args.input, c))(ctx),
      rejectDisbursement: (_: unknown, args: { input: { proposalId: string; reason: string } }, ctx: SubgraphContext) =>
        proposalMutation((c) => disbursements.reject(args.input, c))(ctx),
      payDisbursement: (_: unknown, args: { proposalId: string }, ctx: SubgraphContext) => proposalMutation((c) => disbursements.pay(args.proposalId, c))(ctx),
      setFundsPolicy: async (_: unknown, args: { input: Record<string, unknown> }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        const changes = Object.fromEntries(Object.entries(args.input).filter(([, value]) => value !== null && value !== undefined)) as FundsPolicyChanges;
        return policyView(await policies.set(em.fork(), caller.podId, changes, caller.coordinator || caller.treasurer, caller.metadata));
      },
      setMonthlyBudget: async (_: unknown, args: { input: { category: string; amountMinor?: number | null } }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        return policyView(
          await policies.setBudget(em.fork(), caller.podId, { category: args.input.category, amountMinor: args.input.amountMinor ?? null }, caller.coordinator || caller.treasurer, caller.metadata),
        );
      },
      giftHoursToPool: async (_: unknown, args: { input: { minutes: number; transferId?: string | null } }, ctx: SubgraphContext) =>
        transferView(await gifts.giftToPool(args.input, ctx)),
      grantPoolHours: async (_: unknown, args: { input: { memberId: string; minutes: number; transferId?: string | null } }, ctx: SubgraphContext) =>
        transferView(await gifts.grantFromPool(args.input, ctx)),
      reverseTransfer: async (_: unknown, args: { input: { transferId: string; reversalTransferId?: string | null } }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        if (!caller.coordinator && !caller.treasurer) throw forbidden('Only coordinators and treasurers reverse transfers');
        const transferId = checkUuid(args.input.transferId, 'transferId');
        const reversalTransferId = args.input.reversalTransferId ? checkUuid(args.input.reversalTransferId, 'reversalTransferId') : derivedTransferId(`reversal:${caller.podId}:${transferId}`);
        return transferView(await ledger.reverse(em.fork(), { podId: caller.podId, transferId, reversalTransferId }, caller.metadata));
      },
    },
  };
}
