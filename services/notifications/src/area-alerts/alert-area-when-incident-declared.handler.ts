import { Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IncidentClosedV1, IncidentDeclaredV1, uuidV5, type IncidentClosedV1Data, type IncidentDeclaredV1Data } from '@mutuo/contracts';
import { isCellInPolygon, type GeoPolygon } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, streamName } from '@mutuo/event-store';
import { EventController, type ReceivedEvent } from '@mutuo/messaging';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../shared/channels/notifications.config';
import { Clock } from '@mutuo/service-kit';
import { areaAlertDecider, type AreaAlertIssued, type AreaAlertState, type IssueAreaAlert } from '../domain/area-alert.decider';
import { buildCapAlert, capDateTime, severityOfIncident, type CapMsgType } from '../domain/cap-alert';
import { causeOf } from '../shared/delivery/notification-cause';
import { NotificationDispatcher } from '../shared/delivery/notification-dispatcher';
import { capPath } from '../shared/cap-path';

const ALERT_NAMESPACE = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';

/**
 * An incident declared (or closed) in a pod: a CAP 1.2 alert is published at a public URL, partner apps are told,
 * and everyone whose coarse location lies in the incident's area is told on their preferred channel. The broadcast
 * itself is fanned out by the AreaBroadcaster in batches, so ten thousand members never hold one transaction.
 */
@EventController()
export class AlertAreaWhenIncidentDeclared {
  private readonly alerts: CommandHandler<AreaAlertState, IssueAreaAlert, AreaAlertIssued>;

  constructor(
    store: PostgresEventStore,
    private readonly dispatcher: NotificationDispatcher,
    private readonly clock: Clock,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.alerts = new CommandHandler(store, areaAlertDecider);
  }

  @EventPattern(IncidentDeclaredV1.type)
  async declared(@Payload() event: ReceivedEvent<IncidentDeclaredV1Data>): Promise<void> {
    const { incidentId, podId, name, type, area, declaredAt } = event.data;
    await this.issue(event, { incidentId, podId, name, type, area: area as GeoPolygon, msgType: 'Alert', references: null });
    await this.broadcast(event, podId, 'incident-declared', area as GeoPolygon, { title: name, severity: severityOfIncident(type).toLowerCase(), declaredAt });
  }

  @EventPattern(IncidentClosedV1.type)
  async closed(@Payload() event: ReceivedEvent<IncidentClosedV1Data>): Promise<void> {
    const { incidentId, podId, closedAt } = event.data;
    const [original] = await query<{ alert_id: string; params: { title: string }; area: GeoPolygon; issued_at: Date }>(
      event.em,
      `select b.alert_id, b.params, b.area, a.issued_at from area_broadcasts b join area_alerts a on a.alert_id = b.alert_id
       where a.incident_id = ? and a.msg_type = 'Alert'`,
      [incidentId],
    );
    if (!original) return; // Declared before notifications knew of it: nothing was alerted, nothing to cancel.
    const sender = this.sender();
    await this.issue(event, {
      incidentId,
      podId,
      name: original.params.title,
      type: 'other',
      area: original.area,
      msgType: 'Cancel',
      references: `${sender},mutuo-${original.alert_id},${capDateTime(new Date(original.issued_at))}`,
    });
    await this.broadcast(event, podId, 'incident-closed', original.area, { title: original.params.title, closedAt });
  }

  private sender(): string {
    return `notifications@${new URL(this.config.publicUrl).hostname}`;
  }

  private async issue(
    event: ReceivedEvent,
    incident: { incidentId: string; podId: string; name: string; type: string; area: GeoPolygon; msgType: CapMsgType; references: string | null },
  ): Promise<void> {
    const alertId = uuidV5(`${event.id}:cap`, ALERT_NAMESPACE);
    const [pod] = await query<{ languages: string[] }>(event.em, 'select languages from pods where pod_id = ?', [incident.podId]);
    const cells = await query<{ location_cell: string }>(
      event.em,
      'select location_cell from recipients where location_cell is not null and erased_at is null',
    );
    const recipientCount = cells.filter((row) => isCellInPolygon(row.location_cell, incident.area)).length;
    const capXml = buildCapAlert({
      identifier: `mutuo-${alertId}`,
      sender: this.sender(),
      sent: new Date(event.time),
      msgType: incident.msgType,
      references: incident.references,
      incident: {
        id: incident.incidentId,
        name: incident.name,
        type: incident.type,
        outline: incident.area.coordinates[0]!,
        language: pod?.languages[0] ?? 'en',
      },
      instruction:
        incident.msgType === 'Cancel'
          ? 'The emergency is over.'
          : 'Follow the instructions of civil protection. Neighbours in the mutual-aid pod are organising help.',
      web: `${this.config.publicUrl}${capPath(alertId)}`,
      expires: null,
    });
    const cause = causeOf(event, this.clock);
    await this.alerts.handle(event.em, streamName('area-alert', incident.podId, alertId), {
      type: 'IssueAreaAlert',
      data: { alertId, podId: incident.podId, incidentId: incident.incidentId, msgType: incident.msgType, capXml, recipientCount },
      metadata: cause.metadata,
    });
    const eventType = incident.msgType === 'Cancel' ? IncidentClosedV1.type : IncidentDeclaredV1.type;
    await this.dispatcher.notifyPartners(event.em, cause, eventType, {
      incidentId: incident.incidentId,
      msgType: incident.msgType,
      capUrl: `${this.config.publicUrl}${capPath(alertId)}`,
    });
  }

  private async broadcast(
    event: ReceivedEvent,
    podId: string,
    kind: 'incident-declared' | 'incident-closed',
    area: GeoPolygon,
    params: Record<string, string>,
  ): Promise<void> {
    const alertId = uuidV5(`${event.id}:cap`, ALERT_NAMESPACE);
    await query(
      event.em,
      `insert into area_broadcasts (alert_id, pod_id, cause_event_id, kind, area, params) values (?, ?, ?, ?, ?::jsonb, ?::jsonb) on conflict do nothing`,
      [alertId, podId, event.id, kind, JSON.stringify(area), JSON.stringify(params)],
    );
  }
}
