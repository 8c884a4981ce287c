import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { IdempotentInput } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { checkAmountMinor } from '../domain/money';
import type { LedgerAccount } from '../domain/ledger-account.decider';
import type { PostedTransfer } from '../domain/ledger.types';
import { checkPoolGrant } from '../domain/time-bank.decider';
import { checkUuid } from '../funds.input';
import { creationId } from '../creation-id';
import { fundsCaller, type FundsCaller } from '../funds.caller';
import { FundsPolicies } from '../shared/funds-policies.repository';
import { podAccounts } from '../shared/account-ids';
import { Ledger } from '../shared/ledger.service';
import { PodMembers } from '../shared/pod-members.repository';
import { PodRoles } from '../shared/pod-roles.repository';

/** Hours given to the pod's community pool, and pool hours granted to members who cannot reciprocate now. */
@Injectable()
export class TimeGiftsHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly ledger: Ledger,
    private readonly roles: PodRoles,
    private readonly policies: FundsPolicies,
    private readonly members: PodMembers,
    private readonly clock: Clock,
  ) {}

  giftToPool(input: { minutes: number; transferId?: string | null } & IdempotentInput, ctx: RequestContext): Promise<PostedTransfer> {
    return this.em.fork().transactional(async (tx) => {
      const caller = await fundsCaller(tx, this.roles, ctx, this.clock.now());
      const minutes = checkAmountMinor(input.minutes, 'minutes');
      const policy = await this.policies.of(tx, caller.podId);
      const member = podAccounts.memberTime(caller.podId, caller.memberId, policy.timeCreditLimitMinutes);
      const transferId = await creationId(tx, caller, 'giftHoursToPool', input, { value: input.transferId, field: 'transferId' });
      return this.moveHours(tx, caller, member, minutes, 'time-gift', transferId);
    });
  }

  grantFromPool(input: { memberId: string; minutes: number; transferId?: string | null } & IdempotentInput, ctx: RequestContext): Promise<PostedTransfer> {
    return this.em.fork().transactional(async (tx) => {
      const caller = await fundsCaller(tx, this.roles, ctx, this.clock.now());
      const memberId = checkUuid(input.memberId, 'memberId');
      const minutes = checkAmountMinor(input.minutes, 'minutes');
      const policy = await this.policies.of(tx, caller.podId);
      checkPoolGrant(minutes, caller.coordinator || caller.treasurer, policy.poolGrantMaxMinutes);
      await this.members.requireActive(tx, caller.podId, memberId, 'memberId');
      const member = podAccounts.memberTime(caller.podId, memberId, policy.timeCreditLimitMinutes);
      const transferId = await creationId(tx, caller, 'grantPoolHours', input, { value: input.transferId, field: 'transferId' });
      return this.moveHours(tx, caller, member, minutes, 'pool-grant', transferId);
    });
  }

  /**
   * Posts minutes between a member's time account and the pod's community pool, opening either account if it is new:
   * a gift goes from the member to the pool, a grant from the pool to the member.
   */
  private moveHours(
    tx: EntityManager,
    caller: FundsCaller,
    member: LedgerAccount,
    minutes: number,
    kind: 'time-gift' | 'pool-grant',
    transferId: string,
  ): Promise<PostedTransfer> {
    const pool = podAccounts.communityPool(caller.podId);
    const [from, to] = kind === 'time-gift' ? [member, pool] : [pool, member];
    return this.ledger.post(
      tx,
      {
        transferId,
        podId: caller.podId,
        unit: 'HOUR',
        amountMinor: minutes,
        debitAccountId: from.accountId,
        creditAccountId: to.accountId,
        kind,
        reversesTransferId: null,
        requestId: null,
        sourceId: null,
        category: null,
      },
      caller.metadata,
      { open: [member, pool] },
    );
  }
}
