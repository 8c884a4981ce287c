import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { RequestMatchingSchema, type RequestMatching } from './request-matching.entity';
import { REQUEST_IN_LIST } from './suggestions.queries';

@Injectable()
export class RequestMatchingQueries {
  constructor(private readonly em: EntityManager) {}

  /** Where matching stands for each of `requestIds` it has heard of, read in one query. */
  forRequests(podId: string, requestIds: readonly string[]): Promise<RequestMatching[]> {
    if (requestIds.length === 0) return Promise.resolve([]);
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(RequestMatchingSchema, { requestId: { $in: [...requestIds] } }));
  }

  /** Who asked for each of `requestIds` that matching knows, in one query (null when erased). */
  async requestersOf(podId: string, requestIds: readonly string[]): Promise<Map<string, string | null>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ request_id: string; requester_member_id: string | null }>(
        tx,
        `select request_id, requester_member_id from tracked_requests where ${REQUEST_IN_LIST}`,
        [JSON.stringify(requestIds)],
      ),
    );
    return new Map(rows.map((row) => [row.request_id, row.requester_member_id]));
  }
}
