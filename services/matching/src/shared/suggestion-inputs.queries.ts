import type { EntityManager } from '@mikro-orm/postgresql';
import { currentVersionSubquery, query } from '@mutuo/event-store';
import type { Urgency } from '../domain/helper-scoring';
import { candidateSearchCtes, candidateSearchParams, candidateSearchShape, type CandidateRow, type CandidateSearch } from './candidate-search.queries';

/** The matchable facts of a request as tracked_requests keeps them. */
export const REQUEST_FACT_COLUMNS = [
  'title',
  'category',
  'subcategory',
  'urgency',
  'language',
  'location_cell',
  'needed_from',
  'needed_until',
  'visibility',
] as const;

/** What a round of suggestions reads about the request (dates as ISO strings: the row arrives as JSON). */
export interface TrackedRequestFacts {
  request_id: string;
  pod_id: string;
  requester_member_id: string | null;
  category: string;
  subcategory: string | null;
  urgency: Urgency;
  language: string | null;
  location_cell: string | null;
  needed_from: string | null;
  needed_until: string | null;
  escalated_to: string[];
  requester_languages: string[] | null;
}

const RETURNED_COLUMNS =
  'request_id, pod_id, requester_member_id, category, subcategory, urgency, language, location_cell, needed_from, needed_until, escalated_to';

/** How the event changes the tracked facts before the round. */
export type RequestFactsWrite =
  /** A posted request: kept unless already known (a redelivery), then the row as it is. */
  | {
      readonly kind: 'posted';
      readonly requestId: string;
      readonly podId: string;
      readonly requesterMemberId: string;
      /** The requester asked to stay anonymous: only they and their pod's coordinators may see who asked. */
      readonly requesterAnonymous: boolean;
      readonly postedAt: string;
      /** In REQUEST_FACT_COLUMNS' order. */
      readonly facts: readonly unknown[];
    }
  /** An edit: applied only when newer than what is kept; otherwise there is no round. */
  | { readonly kind: 'edited'; readonly requestId: string; readonly editedAt: string; readonly facts: readonly unknown[] };

export interface SuggestionInputs {
  /** null when there is nothing to suggest for (an edit older than what is kept). */
  readonly request: TrackedRequestFacts | null;
  /** Found with the search the caller expected; valid only when the request's facts agree with it. */
  readonly candidates: CandidateRow[];
  /** The request's matching stream: 0 when it does not exist yet. */
  readonly streamVersion: number;
}

/**
 * Writes the request's facts and reads everything a round of suggestions needs in ONE statement: the facts as
 * written (with the requester's languages), the candidates (see candidateSearchCtes) and the version of the request's
 * matching stream (the event store's currentVersionSubquery). The candidates are searched with what the caller
 * expects the facts to be (from the event); the caller checks that against the facts returned. Runs in the caller's transaction, whose pod the row-level security
 * policies see; each shape of the text is one prepared statement.
 */
export async function writeFactsAndReadSuggestionInputs(
  em: EntityManager,
  write: RequestFactsWrite,
  search: CandidateSearch,
  streamId: string,
): Promise<SuggestionInputs> {
  const request =
    write.kind === 'posted'
      ? `written as (
           insert into tracked_requests (request_id, pod_id, requester_member_id, requester_anonymous, posted_at, facts_changed_at, ${REQUEST_FACT_COLUMNS.join(', ')})
           values (?, ?, ?, ?, ?, ?, ${REQUEST_FACT_COLUMNS.map(() => '?').join(', ')})
           on conflict (request_id) do nothing
           returning ${RETURNED_COLUMNS}
         ),
         request as (
           select * from written
           union all
           -- A CTE's insert is not visible to the rest of the statement: a known request is read as it was.
           select ${RETURNED_COLUMNS} from tracked_requests where request_id = ? and not exists (select 1 from written)
         )`
      : `request as (
           update tracked_requests set facts_changed_at = ?, ${REQUEST_FACT_COLUMNS.map((column) => `${column} = ?`).join(', ')}
           where request_id = ? and facts_changed_at < ?
           returning ${RETURNED_COLUMNS}
         )`;
  const requestParams =
    write.kind === 'posted'
      ? [write.requestId, write.podId, write.requesterMemberId, write.requesterAnonymous, write.postedAt, write.postedAt, ...write.facts, write.requestId]
      : [write.editedAt, ...write.facts, write.requestId, write.editedAt];
  const streamVersion = currentVersionSubquery(streamId);
  const [row] = await query<{ request: TrackedRequestFacts | null; candidates: CandidateRow[]; stream_version: number }>(
    em,
    `with ${request},
     ${candidateSearchCtes(search, '(select requester_member_id from request)')}
     select
       (select row_to_json(r) from (select request.*, h.languages as requester_languages
                                   from request left join pod_helpers h on h.member_id = request.requester_member_id) r) as request,
       coalesce((select json_agg(c) from candidates c), '[]'::json) as candidates,
       ${streamVersion.sql} as stream_version`,
    [...requestParams, ...candidateSearchParams(search), ...streamVersion.params],
    { preparedAs: `matching_suggestion_inputs_${write.kind}_${candidateSearchShape(search)}_v3` },
  );
  return { request: row!.request, candidates: row!.candidates, streamVersion: row!.stream_version };
}
