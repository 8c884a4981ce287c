import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, query, setTransactionPod, type IdempotentInput } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import {
  disbursementDecider,
  type BudgetSnapshot,
  type DisbursementCommand,
  type DisbursementEvent,
  type DisbursementState,
} from '../domain/disbursement.decider';
import { checkAmountMinor, checkUnit, monthOf } from '../domain/money';
import { checkCategory } from '../domain/pod-funds-policy.decider';
import { creationId } from '../creation-id';
import { checkUuid } from '../funds.input';
import { fundsCaller, type FundsCaller } from '../funds.caller';
import { FundsPolicies } from '../shared/funds-policies.repository';
import { PersonalTexts } from '../shared/personal-texts.store';
import { PodMembers } from '../shared/pod-members.repository';
import { PodRoles } from '../shared/pod-roles.repository';
import { disbursementStream } from '../shared/disbursement-stream';

export interface ProposeDisbursementInput extends IdempotentInput {
  proposalId?: string | null;
  requestId?: string | null;
  recipientMemberId?: string | null;
  currency: string;
  amountMinor: number;
  category: string;
  reason: string;
  emergency?: boolean | null;
}

/** Proposals to pay money out, their approvals and rejections (payouts: payouts/payouts.handler.ts). */
@Injectable()
export class DisbursementsHandler {
  private readonly commands: CommandHandler<DisbursementState, DisbursementCommand, DisbursementEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly roles: PodRoles,
    private readonly policies: FundsPolicies,
    private readonly texts: PersonalTexts,
    private readonly members: PodMembers,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, disbursementDecider);
  }

  propose(input: ProposeDisbursementInput, ctx: RequestContext): Promise<DisbursementState> {
    return this.inPod(ctx, async (tx, caller) => {
      const proposalId = await creationId(tx, caller, 'proposeDisbursement', input, { value: input.proposalId, field: 'proposalId' });
      // Checked first, so the field at fault is named before anything else is looked at; the decider checks again.
      checkAmountMinor(input.amountMinor, 'amountMinor');
      checkUnit(input.currency, 'currency');
      const category = checkCategory(input.category);
      const requestId = input.requestId ? checkUuid(input.requestId, 'requestId') : null;
      const recipientMemberId = input.recipientMemberId
        ? await this.members.requireActive(tx, caller.podId, input.recipientMemberId, 'recipientMemberId')
        : null;
      const policy = await this.policies.of(tx, caller.podId);
      const budgetMinor = policy.monthlyBudgets[category];
      const budget: BudgetSnapshot | null =
        budgetMinor === undefined ? null : { budgetMinor, committedMinor: await this.committed(tx, caller.podId, category, monthOf(caller.metadata.now)) };
      const reason = this.texts.prepare(input.reason, 'reason', 1000, true);
      const { state, newEvents } = await this.commands.handle(tx, disbursementStream(caller.podId, proposalId), {
        type: 'ProposeDisbursement',
        data: {
          proposalId,
          podId: caller.podId,
          requestId,
          proposedByMemberId: caller.memberId,
          recipientMemberId,
          currency: input.currency,
          amountMinor: input.amountMinor,
          category,
          reasonTextId: reason.id,
          emergency: input.emergency ?? false,
          policy,
          budget,
        },
        metadata: caller.metadata,
      });
      if (newEvents.length > 0) await this.texts.store(tx, reason, caller.podId, caller.memberId);
      return state;
    });
  }

  approve(proposalId: string, ctx: RequestContext): Promise<DisbursementState> {
    return this.inPod(ctx, async (tx, caller) => {
      const { state } = await this.commands.handle(tx, disbursementStream(caller.podId, checkUuid(proposalId, 'proposalId')), {
        type: 'ApproveDisbursement',
        data: { approverMemberId: caller.memberId, approverIsTreasurer: caller.treasurer },
        metadata: caller.metadata,
      });
      return state;
    });
  }

  recordPodDecision(input: { proposalId: string; approved: boolean; note: string }, ctx: RequestContext): Promise<DisbursementState> {
    return this.inPod(ctx, async (tx, caller) => {
      const stream = disbursementStream(caller.podId, checkUuid(input.proposalId, 'proposalId'));
      const note = this.texts.prepare(input.note, 'note', 1000, true);
      const { state, newEvents } = await this.commands.handle(tx, stream, {
        type: 'RecordPodDecision',
        data: { decidedByMemberId: caller.memberId, deciderIsCoordinator: caller.coordinator, approved: input.approved, noteTextId: note.id },
        metadata: caller.metadata,
      });
      if (newEvents.length > 0) await this.texts.store(tx, note, caller.podId, caller.memberId);
      return state;
    });
  }

  reject(input: { proposalId: string; reason: string }, ctx: RequestContext): Promise<DisbursementState> {
    return this.inPod(ctx, async (tx, caller) => {
      const stream = disbursementStream(caller.podId, checkUuid(input.proposalId, 'proposalId'));
      const reason = this.texts.prepare(input.reason, 'reason', 1000, true);
      const { state, newEvents } = await this.commands.handle(tx, stream, {
        type: 'RejectDisbursement',
        data: { rejectedByMemberId: caller.memberId, rejecterIsTreasurer: caller.treasurer, reasonTextId: reason.id },
        metadata: caller.metadata,
      });
      if (newEvents.length > 0) await this.texts.store(tx, reason, caller.podId, caller.memberId);
      return state;
    });
  }

  /** Proposed, approved or paid in the category this month (rejections free their budget). */
  private async committed(tx: EntityManager, podId: string, category: string, month: string): Promise<number> {
    const [row] = await query<{ total: string }>(
      tx,
      `select coalesce(sum(amount_minor), 0)::text as total from disbursement_proposals
       where pod_id = ? and category = ? and month = ? and status <> 'rejected'`,
      [podId, category, month],
    );
    return Number(row?.total ?? 0);
  }

  private inPod<T>(ctx: RequestContext, work: (tx: EntityManager, caller: FundsCaller) => Promise<T>): Promise<T> {
    return this.em.fork().transactional(async (tx) => {
      const caller = await fundsCaller(tx, this.roles, ctx, this.clock.now());
      await setTransactionPod(tx, caller.podId);
      return work(tx, caller);
    });
  }
}
