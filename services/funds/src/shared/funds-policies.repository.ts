import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import {
  fundsPolicyDecider,
  type FundsPolicy,
  type FundsPolicyChanges,
  type FundsPolicyCommand,
  type FundsPolicyEvent,
  type FundsPolicyState,
} from '../domain/pod-funds-policy.decider';

export const fundsPolicyStream = (podId: string) => streamName('funds-policy', podId, podId);

/** Each pod's funds policy: approvals, auto-approval, pod decisions, credit limit, pool grants, budgets. */
@Injectable()
export class FundsPolicies {
  private readonly commands: CommandHandler<FundsPolicyState, FundsPolicyCommand, FundsPolicyEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, fundsPolicyDecider);
  }

  async of(em: EntityManager, podId: string): Promise<FundsPolicy> {
    return (await this.commands.load(em, fundsPolicyStream(podId))).state.policy;
  }

  /** A new credit limit applies to member time accounts opened from now on; existing ones keep theirs (see docs/funds.md). */
  async set(em: EntityManager, podId: string, changes: FundsPolicyChanges, actorMayManage: boolean, metadata: CommandMetadata): Promise<FundsPolicy> {
    const { state } = await this.commands.handle(em, fundsPolicyStream(podId), { type: 'SetFundsPolicy', data: { podId, changes, actorMayManage }, metadata });
    return state.policy;
  }

  async setBudget(
    em: EntityManager,
    podId: string,
    input: { category: string; amountMinor: number | null },
    actorMayManage: boolean,
    metadata: CommandMetadata,
  ): Promise<FundsPolicy> {
    const { state } = await this.commands.handle(em, fundsPolicyStream(podId), {
      type: 'SetMonthlyBudget',
      data: { podId, ...input, actorMayManage },
      metadata,
    });
    return state.policy;
  }
}
