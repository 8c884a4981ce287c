import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query } from '@mutuo/event-store';
import type { RequestEvaluated } from '../domain/request-matching.events';
import { RequestMatchingSchema } from '../shared/request-matching.entity';

export const requestMatchingProjection = defineProjection<RequestEvaluated>({
  name: 'request-matching',
  eventTypes: ['RequestEvaluated'],

  async apply(em: EntityManager, event) {
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
});
