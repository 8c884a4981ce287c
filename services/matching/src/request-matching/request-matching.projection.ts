import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Projection, type StoredEvent } from '@mutuo/event-store';
import type { RequestEvaluated, RequestMatchingEvent } from '../domain/request-matching.events';
import { RequestMatchingSchema } from './request-matching.entity';

export const requestMatchingProjection: Projection = {
  name: 'request-matching',
  eventTypes: ['RequestEvaluated'] satisfies RequestMatchingEvent['type'][],

  async apply(em: EntityManager, stored: StoredEvent) {
    const event = stored as unknown as RequestEvaluated;
    await em.upsert(RequestMatchingSchema, {
      requestId: event.data.requestId,
      podId: event.data.podId,
      state: event.data.status,
      candidateCount: event.data.candidateCount,
      evaluatedAt: new Date(event.data.evaluatedAt),
    });
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate request_matching');
  },
};
