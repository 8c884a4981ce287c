import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import { INCIDENT_EVENT_TYPES, type IncidentEvent } from '../domain/incident.decider';

/** Incidents of the pod: the open ones tag new requests in their area. */
export const incidentsProjection = defineProjection<IncidentEvent>({
  name: 'incidents',
  eventTypes: INCIDENT_EVENT_TYPES,

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'IncidentDeclared': {
        const d = event.data;
        await query(
          em,
          `insert into incidents (id, pod_id, name, type, area, started_at, status, declared_at) values (?, ?, ?, ?, ?::jsonb, ?, 'open', ?)
           on conflict (id) do nothing`,
          [d.incidentId, d.podId, d.name, d.type, JSON.stringify(d.area), d.startedAt, d.declaredAt],
        );
        return;
      }
      case 'IncidentClosed':
        await query(em, `update incidents set status = 'closed', closed_at = ?, summary = ?::jsonb where id = ?`, [
          event.data.closedAt,
          JSON.stringify(event.data.summary),
          event.data.incidentId,
        ]);
        return;
      default:
        throw new Error(`incidents cannot apply ${(event as { type: string }).type}`);
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate incidents');
  },
});
