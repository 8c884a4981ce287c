import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';

export interface DeliveryRecord {
  readonly delivery_id: string;
  readonly notification_id: string | null;
  readonly kind: string;
  readonly recipient_member_id: string | null;
  readonly endpoint_id: string | null;
  readonly channel: string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: Date;
  readonly last_error: string | null;
  readonly receipt: string | null;
  readonly decided_at: Date;
  readonly sent_at: Date | null;
}

/** What happened to each channel's copy of a notification, for the pod's coordinators (no addresses, no texts). */
@Injectable()
export class DeliveryHistoryQueries {
  constructor(private readonly em: EntityManager) {}

  forNotification(podId: string, notificationId: string): Promise<DeliveryRecord[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<DeliveryRecord>(
        tx,
        `select delivery_id, notification_id, kind, recipient_member_id, endpoint_id, channel, status, attempts, next_attempt_at, last_error, receipt, decided_at, sent_at
         from deliveries where notification_id = ? order by decided_at, delivery_id`,
        [notificationId],
      ),
    );
  }

  webhookEndpoints(podId: string) {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ endpoint_id: string; url: string; event_types: string[]; status: string; consecutive_failures: number; last_error: string | null }>(
        tx,
        'select endpoint_id, url, event_types, status, consecutive_failures, last_error from webhook_endpoints order by registered_at',
      ),
    );
  }
}
