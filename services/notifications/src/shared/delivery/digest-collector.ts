import { Inject, Injectable } from '@nestjs/common';
import { uuidV5 } from '@mutuo/contracts';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../channels/notifications.config';
import type { DeliveryDetails } from '../../domain/delivery.decider';
import type { NotificationKind } from '../../domain/notification-kinds';
import { renderMessage } from '../../domain/templates/render-message';
import { findRecipient } from '../recipient-directory';
import { DeliveryCommands } from './delivery-commands';
import type { DueRow } from './due-delivery';
import { workerMetadata, WorkerTransactions } from './worker-transactions';

const DIGEST_NAMESPACE = '2f6b9d1e-7c3a-4e5f-8b0a-9d8c7b6a5f4e';

/** Due digest items (chosen digests, or held back by the rate limit) become one message per member and channel. */
@Injectable()
export class DigestCollector {
  constructor(
    private readonly transactions: WorkerTransactions,
    private readonly deliveries: DeliveryCommands,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  /** The number of digests decided (one per member and channel with due items). */
  async collect(now: Date): Promise<number> {
    const rows = await this.transactions.scan<DueRow>(
      `select delivery_id, pod_id, recipient_member_id, channel from deliveries
       where status = 'pending' and (digest <> 'immediate' or held_for_digest) and next_attempt_at <= ? and recipient_member_id is not null
       order by recipient_member_id, channel, decided_at limit ?`,
      [now.toISOString(), this.config.worker.batchSize],
    );
    const groups = new Map<string, DueRow[]>();
    for (const row of rows) {
      const key = `${row.recipient_member_id}:${row.channel}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const group of groups.values()) {
      const { pod_id: podId, recipient_member_id: memberId } = group[0]!;
      await this.transactions.inPod(podId, async (tx) => {
        const items: DeliveryDetails[] = [];
        for (const row of group) {
          const { state } = await this.deliveries.load(tx, podId, row.delivery_id);
          if (state.status === 'pending') items.push(state.details);
        }
        const recipient = await findRecipient(tx, memberId!);
        if (items.length === 0 || !recipient) return;
        const ids = items.map((item) => item.deliveryId).sort();
        const digestId = uuidV5(ids.join(','), DIGEST_NAMESPACE);
        const message = renderMessage({
          kind: 'digest',
          locales: recipient.locales,
          variant: recipient.preferences.plainLanguage ? 'plain' : 'standard',
          params: { count: items.length, items: items.map((item) => `- ${item.content.type === 'rendered' ? item.content.subject : item.kind}`).join('\n') },
          timeZone: recipient.timeZone,
        });
        const first = items[0]!;
        const metadata = workerMetadata(now, podId);
        await this.deliveries.decide(
          tx,
          {
            deliveryId: digestId,
            podId,
            notificationId: null,
            causeEventId: `digest:${digestId}`,
            kind: 'digest' satisfies NotificationKind,
            recipient: { type: 'member', memberId: memberId! },
            channel: first.channel,
            content: { type: 'rendered', locale: message.locale, subject: message.subject, body: message.body },
            fallbackChannels: first.fallbackChannels,
            expiresAt: null,
            overridesQuietHours: false,
            digest: 'immediate',
            notBefore: now.toISOString(),
          },
          metadata,
        );
        for (const item of items) {
          await this.deliveries.handle(tx, podId, { type: 'IncludeInDigest', data: { deliveryId: item.deliveryId, digestDeliveryId: digestId }, metadata });
        }
      });
    }
    return groups.size;
  }
}
