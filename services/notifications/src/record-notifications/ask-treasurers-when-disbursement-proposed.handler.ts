import { EventPattern, Payload } from '@nestjs/microservices';
import { BudgetExceededV1, DisbursementProposedV1, type BudgetExceededV1Data, type DisbursementProposedV1Data } from '@mutuo/contracts';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { Clock } from '@mutuo/service-kit';
import { asSelectKey } from '../domain/templates/render-message';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';
import { findRoleHolders } from '../shared/recipient-directory';

const TREASURER_ROLES = ['treasurer'] as const;

/** Minor units (cents, minutes of time credit) as the amount people read: 4250 EUR cents are 42.50, 90 minutes 1.5 h. */
export function majorUnits(amountMinor: number, currency: string): number {
  if (currency === 'HOUR') return amountMinor / 60;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return amountMinor / 10 ** digits;
}

/**
 * Tells the pod's treasurers (kept from membership's role events) that a proposed payment waits for their approval,
 * and when a category's monthly budget is exceeded. Amounts are written in each treasurer's locale by the template.
 */
@EventController()
export class AskTreasurersWhenDisbursementProposed {
  constructor(
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
  ) {}

  @EventPattern(DisbursementProposedV1.type)
  async handleProposal(@Payload() event: ReceivedEvent<DisbursementProposedV1Data>): Promise<void> {
    const { proposalId, podId, currency, amountMinor, category, approvalsRequired, overBudget } = event.data;
    const treasurers = await findRoleHolders(event.em, podId, TREASURER_ROLES);
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock, podId), treasurers, {
      kind: 'disbursement-proposed',
      subjectId: proposalId,
      params: { amount: majorUnits(amountMinor, currency), currency, category: asSelectKey(category), approvalsRequired, overBudget },
    });
  }

  @EventPattern(BudgetExceededV1.type)
  async handleBudgetExceeded(@Payload() event: ReceivedEvent<BudgetExceededV1Data>): Promise<void> {
    const { proposalId, podId, currency, category, budgetMinor, committedMinor } = event.data;
    const treasurers = await findRoleHolders(event.em, podId, TREASURER_ROLES);
    await this.dispatcher.notifyMembers(event.em, causeOf(event, this.clock, podId), treasurers, {
      kind: 'budget-exceeded',
      subjectId: proposalId,
      params: { currency, category: asSelectKey(category), budget: majorUnits(budgetMinor, currency), committed: majorUnits(committedMinor, currency) },
    });
  }
}
