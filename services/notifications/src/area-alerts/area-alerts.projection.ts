import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { AreaAlertIssued } from '../domain/area-alert.decider';

/** The CAP documents served at /public/cap/<alertId>.xml. */
export const areaAlertsProjection = defineProjection<AreaAlertIssued>({
  name: 'area-alerts',
  eventTypes: ['AreaAlertIssued'],
  async apply(em: EntityManager, event) {
    const { data } = event;
    await query(
      em,
      `insert into area_alerts (alert_id, pod_id, incident_id, msg_type, cap_xml, recipient_count, issued_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing`,
      [data.alertId, data.podId, data.incidentId, data.msgType, data.capXml, data.recipientCount, data.issuedAt],
    );
  },
  async reset(em: EntityManager) {
    await query(em, 'truncate area_alerts');
  },
});
