import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { AgreementsAcknowledged } from '../../domain/member-admission.decider';
import type { MemberLeft } from '../../domain/member.decider';
import type { AgreementsPublished } from '../../domain/pod-agreements.decider';

type AgreementsEvent = AgreementsPublished | AgreementsAcknowledged | MemberLeft;

/** Every version of every pod's agreements, and the version each member acknowledged last. */
export const agreementsProjection = defineProjection<AgreementsEvent>({
  name: 'pod-agreements',
  eventTypes: ['AgreementsPublished', 'AgreementsAcknowledged', 'MemberLeft'],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'AgreementsPublished': {
        const { podId, version, text, publishedByMemberId } = event.data;
        await query(
          em,
          `insert into pod_agreements (pod_id, version, text, published_at, published_by_member_id) values (?, ?, ?, ?, ?)
           on conflict (pod_id, version) do nothing`,
          [podId, version, text, at, publishedByMemberId],
        );
        return;
      }
      case 'AgreementsAcknowledged': {
        const { memberId, podId, version } = event.data;
        await query(
          em,
          `insert into member_agreement_acknowledgements (member_id, pod_id, version, acknowledged_at) values (?, ?, ?, ?)
           on conflict (member_id) do update set version = excluded.version, acknowledged_at = excluded.acknowledged_at`,
          [memberId, podId, version, at],
        );
        return;
      }
      case 'MemberLeft':
        // Someone who joins again acknowledges the agreements again.
        await query(em, 'delete from member_agreement_acknowledgements where member_id = ?', [event.data.memberId]);
        return;
      default:
        assertNever(event, 'agreements event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate pod_agreements, member_agreement_acknowledgements');
  },
});
