import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Projection, type StoredEvent } from '@mutuo/event-store';
import type { RequestEvent } from '../domain/request.decider';
import { RequestDetailsSchema } from './request-details.entity';

export const requestDetailsProjection: Projection = {
  name: 'request-details',
  eventTypes: ['RequestPosted'] satisfies RequestEvent['type'][],

  async apply(em: EntityManager, stored: StoredEvent) {
    const event = stored as unknown as RequestEvent & StoredEvent;
    switch (event.type) {
      case 'RequestPosted': {
        const existing = await em.findOne(RequestDetailsSchema, { id: event.data.requestId });
        if (existing && existing.version >= stored.streamPosition) return;
        em.persist(
          em.create(RequestDetailsSchema, {
            id: event.data.requestId,
            podId: event.data.podId,
            requesterMemberId: event.data.requesterMemberId,
            title: event.data.title,
            description: event.data.description,
            language: event.data.language,
            category: event.data.category,
            urgency: event.data.urgency,
            status: 'open',
            postedAt: new Date(event.data.postedAt),
            version: stored.streamPosition,
          }),
        );
        return;
      }
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate request_details');
  },
};
