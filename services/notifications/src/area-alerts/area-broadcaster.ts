import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { isCellInPolygon, type GeoPolygon } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { FreshDeliveries, type FreshDelivery } from '../deliveries/fresh-deliveries';
import { NotificationDispatcher, NOTIFICATIONS_ACTOR } from '../deliveries/notification-dispatcher';
import type { WorkerStep } from '../deliveries/delivery.worker';
import type { NotificationKind } from '../domain/notification-kinds';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../migrations/channels.migration';
import { RECIPIENT_SELECT, recipientFromRow, type RecipientRow } from '../recipients/recipient-directory';

const BATCH = 250;

interface BroadcastRow {
  alert_id: string;
  pod_id: string;
  cause_event_id: string;
  kind: NotificationKind;
  area: GeoPolygon;
  params: Record<string, string>;
  after_member_id: string | null;
}

/**
 * Fans an area broadcast out in batches of members (by member id, resuming from a cursor): each batch decides its
 * notifications and moves the cursor in one transaction, and notification keys derive from the incident's event, so
 * a crash mid-broadcast resumes without telling anyone twice.
 */
@Injectable()
export class AreaBroadcaster implements WorkerStep {
  constructor(
    private readonly em: EntityManager,
    private readonly dispatcher: NotificationDispatcher,
    private readonly fresh: FreshDeliveries,
  ) {}

  async runOnce(now: Date): Promise<number> {
    const broadcasts = await this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
      return query<BroadcastRow>(tx, 'select alert_id, pod_id, cause_event_id, kind, area, params, after_member_id from area_broadcasts where not done order by alert_id limit 10');
    });
    let batches = 0;
    for (const broadcast of broadcasts) {
      const decided: FreshDelivery[] = [];
      await this.em.fork().transactional(async (tx) => {
        await setTransactionPod(tx, broadcast.pod_id);
        const rows = await query<RecipientRow>(
          tx,
          `${RECIPIENT_SELECT} where r.pod_id = ? and r.location_cell is not null and r.erased_at is null and r.member_id > coalesce(?::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
           order by r.member_id limit ?`,
          [broadcast.pod_id, broadcast.after_member_id, BATCH],
        );
        const params = Object.fromEntries(Object.entries(broadcast.params).map(([key, value]) => [key, key.endsWith('At') ? new Date(value) : value]));
        const cause = {
          eventId: broadcast.cause_event_id,
          podId: broadcast.pod_id,
          metadata: { now: now.toISOString(), actorId: NOTIFICATIONS_ACTOR, podId: broadcast.pod_id, causationId: broadcast.cause_event_id },
        };
        let inArea = 0;
        for (const row of rows) {
          if (!isCellInPolygon(row.location_cell!, broadcast.area)) continue;
          inArea++;
          const delivery = await this.dispatcher.notifyMember(
            tx,
            cause,
            { recipientMemberId: row.member_id, kind: broadcast.kind, subjectId: broadcast.alert_id, params, emergency: broadcast.kind === 'incident-declared' },
            recipientFromRow(row),
          );
          if (delivery) decided.push(delivery);
        }
        const last = rows[rows.length - 1]?.member_id ?? broadcast.after_member_id;
        await query(tx, 'update area_broadcasts set after_member_id = ?, recipient_count = recipient_count + ?, done = ? where alert_id = ?', [last, inArea, rows.length < BATCH, broadcast.alert_id]);
      });
      // Committed: the worker may send these now, without waiting for the read model.
      this.fresh.add(decided);
      batches++;
    }
    return batches;
  }
}
