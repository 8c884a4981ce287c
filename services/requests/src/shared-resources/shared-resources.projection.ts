import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import { SHARED_RESOURCE_EVENT_TYPES, stockAfter, type SharedResourceEvent, type StockLevel } from '../domain/shared-resource.decider';

/** Each shared resource with its stock per item category and when it was last updated, as shown publicly. */
export const sharedResourcesProjection = defineProjection<SharedResourceEvent>({
  name: 'shared-resources',
  eventTypes: SHARED_RESOURCE_EVENT_TYPES,

  async apply(em: EntityManager, event) {
    switch (event.type) {
      case 'SharedResourceRegistered': {
        const d = event.data;
        await query(
          em,
          `insert into shared_resources (id, pod_id, kind, name, lat, lon, opening_hours, status, registered_at)
           values (?, ?, ?, ?, ?, ?, ?::jsonb, 'active', ?) on conflict (id) do nothing`,
          [d.resourceId, d.podId, d.kind, d.name, d.location.lat, d.location.lon, JSON.stringify(d.openingHours), d.registeredAt],
        );
        await query(em, 'insert into shared_resource_tokens (token, resource_id, pod_id) values (?, ?, ?) on conflict do nothing', [
          d.publicToken,
          d.resourceId,
          d.podId,
        ]);
        return;
      }
      case 'ResourceEntryRecorded': {
        // The checkpoint commits with this batch, so an entry is applied exactly once: no version check needed.
        const [row] = await query<{ stock: StockLevel[] }>(em, 'select stock from shared_resources where id = ? for update', [event.data.resourceId]);
        if (!row) return;
        await query(em, 'update shared_resources set stock = ?::jsonb, last_updated_at = ? where id = ?', [
          JSON.stringify(stockAfter(row.stock, event.data)),
          event.data.recordedAt,
          event.data.resourceId,
        ]);
        return;
      }
      case 'SharedResourceRetired':
        await query(em, `update shared_resources set status = 'retired' where id = ?`, [event.data.resourceId]);
        return;
      default:
        throw new Error(`shared-resources cannot apply ${(event as { type: string }).type}`);
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate shared_resources, shared_resource_tokens');
  },
});
