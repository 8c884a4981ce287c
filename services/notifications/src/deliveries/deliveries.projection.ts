import type { EntityManager } from '@mikro-orm/postgresql';
import { assertNever } from '@mutuo/domain';
import { defineProjection, query } from '@mutuo/event-store';
import type { DeliveryEvent } from '../domain/delivery.decider';

/** Read model of deliveries: what the worker scans for due work and coordinators read as delivery history. */
export const deliveriesProjection = defineProjection<DeliveryEvent>({
  name: 'deliveries',
  eventTypes: [
    'DeliveryDecided',
    'DeliveryAttemptStarted',
    'DeliverySent',
    'DeliveryAttemptFailed',
    'DeliveryFailed',
    'DeliveryOutcomeUnknown',
    'DeliveryPostponed',
    'DeliveryIncludedInDigest',
    'DeliveryReceiptRecorded',
    'DeliveryExpired',
    'DeliveryCancelled',
  ],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    const update = (set: string, params: unknown[]) =>
      query(em, `update deliveries set ${set}, updated_at = ? where delivery_id = ?`, [...params, at, event.data.deliveryId]);
    switch (event.type) {
      case 'DeliveryDecided': {
        const { data } = event;
        await query(
          em,
          `insert into deliveries (delivery_id, pod_id, notification_id, cause_event_id, kind, recipient_member_id, endpoint_id, channel, status, digest,
             next_attempt_at, decided_at, updated_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?) on conflict (delivery_id) do nothing`,
          [
            data.deliveryId,
            data.podId,
            data.notificationId,
            data.causeEventId,
            data.kind,
            data.recipient.type === 'member' ? data.recipient.memberId : null,
            data.recipient.type === 'webhook-endpoint' ? data.recipient.endpointId : null,
            data.channel,
            data.digest,
            data.notBefore,
            data.decidedAt,
            at,
          ],
        );
        return;
      }
      case 'DeliveryAttemptStarted':
        await update(`status = 'sending', attempts = ?`, [event.data.attempt]);
        return;
      case 'DeliverySent':
        await update(`status = 'sent', provider_message_id = ?, sent_at = ?, receipt = 'accepted', last_error = null`, [
          event.data.providerMessageId,
          event.data.sentAt,
        ]);
        return;
      case 'DeliveryAttemptFailed':
        await update(`status = 'pending', next_attempt_at = ?, last_error = ?`, [event.data.retryAt, event.data.error]);
        return;
      case 'DeliveryFailed':
        await update(`status = 'failed', last_error = ?`, [event.data.reason]);
        return;
      case 'DeliveryOutcomeUnknown':
        await update(`status = 'unknown', last_error = 'interrupted while sending; not sent again'`, []);
        return;
      case 'DeliveryPostponed':
        await update(`next_attempt_at = ?, held_for_digest = held_for_digest or ?`, [event.data.until, event.data.reason === 'rate-limit']);
        return;
      case 'DeliveryIncludedInDigest':
        await update(`status = 'digested'`, []);
        return;
      case 'DeliveryReceiptRecorded':
        await update(`receipt = ?`, [event.data.status]);
        return;
      case 'DeliveryExpired':
        await update(`status = 'expired'`, []);
        return;
      case 'DeliveryCancelled':
        await update(`status = 'cancelled', last_error = ?`, [event.data.reason]);
        return;
      default:
        assertNever(event, 'delivery event');
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate deliveries');
  },
});
