import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Projection, type StoredEvent } from '@mutuo/event-store';
import type { ContributionEvent } from '../domain/contribution.decider';

export const contributionsProjection: Projection = {
  name: 'contributions',
  eventTypes: ['ContributionRecorded'] satisfies ContributionEvent['type'][],

  async apply(em: EntityManager, stored: StoredEvent) {
    const { data } = stored as unknown as ContributionEvent;
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
};
