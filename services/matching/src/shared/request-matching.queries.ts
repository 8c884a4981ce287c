import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { RequestMatchingSchema, type RequestMatching } from './request-matching.entity';

@Injectable()
export class RequestMatchingQueries {
  constructor(private readonly em: EntityManager) {}

  forRequest(podId: string, requestId: string): Promise<RequestMatching | null> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(RequestMatchingSchema, { requestId }));
  }

  /** Where matching stands for each of `requestIds` it has heard of, read in one query. */
  forRequests(podId: string, requestIds: readonly string[]): Promise<RequestMatching[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(RequestMatchingSchema, { requestId: { $in: [...requestIds] } }));
  }

  /** Who asked, as far as matching knows (null when unknown here or erased). */
  requesterOf(podId: string, requestId: string): Promise<string | null> {
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await query<{ requester_member_id: string | null }>(tx, 'select requester_member_id from tracked_requests where request_id = ?', [
        requestId,
      ]);
      return rows[0]?.requester_member_id ?? null;
    });
  }
}
