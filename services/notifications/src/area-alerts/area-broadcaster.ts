import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { isCellInPolygon, type GeoPolygon } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { FreshDeliveries } from '../shared/delivery/fresh-deliveries';
import { NotificationDispatcher, NOTIFICATIONS_ACTOR } from '../shared/delivery/notification-dispatcher';
import type { WorkerStep } from '../shared/delivery/delivery.worker';
import { WorkerConnections } from '../shared/delivery/worker-connections';
import type { NotificationKind } from '../domain/notification-kinds';
import { NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../shared/policy-settings';
import { RECIPIENT_SELECT, recipientFromRow, type RecipientRow } from '../shared/recipient-directory';

const BATCH = 250;
/** Batches decided at once, each in its own transaction (and database connection). */
const SLICES_PER_PASS = 3;

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
 * Fans an area broadcast out in batches of members (by member id, resuming from a cursor). A pass reads the next
 * SLICES_PER_PASS × BATCH members and decides each slice of BATCH in its own transaction, the slices at once; the cursor
 * moves once all of them committed. Notification and delivery keys derive from the incident's event, so a slice done
 * again after a crash or a failed sibling decides nothing new: nobody is told twice.
 */
@Injectable()
export class AreaBroadcaster implements WorkerStep {
  constructor(
    private readonly em: EntityManager,
    private readonly dispatcher: NotificationDispatcher,
    private readonly fresh: FreshDeliveries,
    private readonly connections: WorkerConnections,
  ) {}

  /** On one of the worker's connections, so a broadcast leaves the rest of the pool to everyone else. */
  private inOwnTransaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.connections.run(() => this.em.fork().transactional(work));
  }

  async runOnce(now: Date): Promise<number> {
    const broadcasts = await this.inOwnTransaction(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
      return query<BroadcastRow>(
        tx,
        'select alert_id, pod_id, cause_event_id, kind, area, params, after_member_id from area_broadcasts where not done order by alert_id limit 10',
      );
    });
    let batches = 0;
    for (const broadcast of broadcasts) {
      const rows = await this.inOwnTransaction(async (tx) => {
        await setTransactionPod(tx, broadcast.pod_id);
        return query<RecipientRow>(
          tx,
          `${RECIPIENT_SELECT} where r.pod_id = ? and r.location_cell is not null and r.erased_at is null and r.member_id > coalesce(?::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
           order by r.member_id limit ?`,
          [broadcast.pod_id, broadcast.after_member_id, BATCH * SLICES_PER_PASS],
        );
      });
      const params = Object.fromEntries(Object.entries(broadcast.params).map(([key, value]) => [key, key.endsWith('At') ? new Date(value) : value]));
      const cause = {
        eventId: broadcast.cause_event_id,
        podId: broadcast.pod_id,
        metadata: { now: now.toISOString(), actorId: NOTIFICATIONS_ACTOR, podId: broadcast.pod_id, causationId: broadcast.cause_event_id },
      };
      const inArea = rows.filter((row) => isCellInPolygon(row.location_cell!, broadcast.area));
      const slices: RecipientRow[][] = [];
      for (let index = 0; index < inArea.length; index += BATCH) slices.push(inArea.slice(index, index + BATCH));
      const outcomes = await Promise.allSettled(
        slices.map(async (slice) => {
          const decided = await this.inOwnTransaction(async (tx) => {
            await setTransactionPod(tx, broadcast.pod_id);
            return this.dispatcher.notifyKnownMembers(
              tx,
              cause,
              slice.map((row) => ({
                notification: {
                  recipientMemberId: row.member_id,
                  kind: broadcast.kind,
                  subjectId: broadcast.alert_id,
                  params,
                  emergency: broadcast.kind === 'incident-declared',
                },
                recipient: recipientFromRow(row),
              })),
            );
          });
          // Committed: the worker may send these now, without waiting for the read model.
          this.fresh.add(decided);
        }),
      );
      const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      // The cursor stays: the next pass does these members again, and decides nothing twice.
      if (failure) throw failure.reason;
      const last = rows[rows.length - 1]?.member_id ?? broadcast.after_member_id;
      await this.inOwnTransaction(async (tx) => {
        await setTransactionPod(tx, broadcast.pod_id);
        await query(tx, 'update area_broadcasts set after_member_id = ?, recipient_count = recipient_count + ?, done = ? where alert_id = ?', [
          last,
          inArea.length,
          rows.length < BATCH * SLICES_PER_PASS,
          broadcast.alert_id,
        ]);
      });
      batches += Math.max(1, slices.length);
    }
    return batches;
  }
}
