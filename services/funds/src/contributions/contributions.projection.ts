import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { ContributionEvent } from '../domain/contribution.decider';

export const contributionsProjection = defineProjection<ContributionEvent>({
  name: 'contributions',
  eventTypes: ['ContributionRecorded'],

  async apply(em: EntityManager, event) {
    const { data } = event;
    await query(
      em,
      `insert into contributions (id, pod_id, currency, amount_minor, fee_minor, method, source_kind, processor_reference, donor_name_text_id,
                                  donor_member_id, anonymous, name_shown_publicly, recorded_by_member_id, transfer_id, fee_transfer_id, recorded_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing`,
      [
        data.contributionId,
        data.podId,
        data.currency,
        data.amountMinor,
        data.feeMinor,
        data.method,
        data.sourceKind,
        data.processorReference,
        data.donorNameTextId,
        data.donorMemberId,
        data.anonymous,
        data.nameShownPublicly,
        data.recordedByMemberId,
        data.transferId,
        data.feeTransferId,
        data.recordedAt,
      ],
    );
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate contributions');
  },
});
