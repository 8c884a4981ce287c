import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { DEADLINE_SQL } from '../shared/escalation-deadlines.sql';
import type { ScoreParts } from '../domain/helper-scoring';

/** `request_id in (...)` for a list passed as one JSON parameter. */
export const REQUEST_IN_LIST = 'request_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))';

export interface SuggestionRow {
  suggestion_id: string;
  request_id: string;
  pod_id: string;
  helper_member_id: string | null;
  helper_pod_id: string;
  offer_id: string | null;
  score: number;
  parts: ScoreParts;
  source: string;
  status: string;
  assigned: boolean;
  round: number;
  expires_at: Date;
  decline_reason: string | null;
  withdraw_reason: string | null;
  feedback_verdict: string | null;
  shared: { category: string; urgency: string; title: string | null; locationCell: string | null } | null;
  note: string | null;
  available_from: Date | null;
  available_until: Date | null;
}

export interface MatchRow {
  match_id: string;
  request_id: string;
  pod_id: string;
  helper_pod_id: string;
  offer_id: string | null;
  requester_member_id: string | null;
  /** The requester asked to stay anonymous (see mayIdentifyRequester). */
  requester_anonymous: boolean;
  helper_member_id: string | null;
  via: string;
  origin: string;
  status: string;
  matched_at: Date;
  ended_at: Date | null;
  withdrawn_by: string | null;
}

export interface UnmatchedRow {
  request_id: string;
  category: string;
  urgency: string;
  posted_at: Date;
  deadline: Date;
  escalated_at: Date | null;
}

/** Reads of the suggestion and match read models, always scoped to the caller's pod (row-level security). */
@Injectable()
export class SuggestionsQueries {
  constructor(private readonly em: EntityManager) {}

  /**
   * The suggestions of each of `requestIds` (a page of federated Requests) in one query, each request's best first. The
   * helper's own pod sees only the suggestions addressed to its members.
   */
  forRequests(podId: string, requestIds: readonly string[]): Promise<SuggestionRow[]> {
    return this.read(podId, (tx) =>
      query<SuggestionRow>(tx, `select * from suggestions_view where ${REQUEST_IN_LIST} order by round desc, score desc, suggestion_id`, [
        JSON.stringify(requestIds),
      ]),
    );
  }

  forOffer(podId: string, offerId: string): Promise<SuggestionRow[]> {
    return this.read(podId, (tx) => query<SuggestionRow>(tx, 'select * from suggestions_view where offer_id = ? order by made_at desc, score desc', [offerId]));
  }

  forHelper(podId: string, helperMemberId: string, includeAnswered: boolean): Promise<SuggestionRow[]> {
    return this.read(podId, (tx) =>
      query<SuggestionRow>(
        tx,
        `select * from suggestions_view where helper_member_id = ? and (? or status in ('open', 'accepted')) order by made_at desc, score desc`,
        [helperMemberId, includeAnswered],
      ),
    );
  }

  /** The latest match of each of `requestIds` that has one, in one query. */
  currentMatchesForRequests(podId: string, requestIds: readonly string[]): Promise<MatchRow[]> {
    return this.read(podId, (tx) =>
      query<MatchRow>(tx, `select distinct on (request_id) * from matches_view where ${REQUEST_IN_LIST} order by request_id, matched_at desc`, [
        JSON.stringify(requestIds),
      ]),
    );
  }

  currentMatchForOffer(podId: string, offerId: string): Promise<MatchRow | undefined> {
    return this.read(podId, async (tx) => {
      const rows = await query<MatchRow>(tx, 'select * from matches_view where offer_id = ? order by matched_at desc limit 1', [offerId]);
      return rows[0];
    });
  }

  /** The dispatcher's queue: open requests of the pod whose urgency deadline has passed, most overdue first. */
  unmatchedPastDeadline(podId: string, now: Date, limit: number): Promise<UnmatchedRow[]> {
    return this.read(podId, (tx) =>
      query<UnmatchedRow>(
        tx,
        `select r.request_id, r.category, r.urgency, r.posted_at, ${DEADLINE_SQL} as deadline, r.escalated_at
         from tracked_requests r left join matching_pods p on p.pod_id = r.pod_id
         where r.pod_id = ? and r.status = 'open' and ${DEADLINE_SQL} <= ?::timestamptz
         order by deadline limit ?`,
        [podId, now.toISOString(), limit],
      ),
    );
  }

  private read<T>(podId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return inPodTransaction(this.em.fork(), podId, work);
  }
}
