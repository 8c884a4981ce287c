import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, streamName } from '@mutuo/event-store';
import { rankSuggestions, type HelperCandidate, type RequestToMatch } from '../domain/helper-scoring';
import {
  requestMatchingDecider,
  type RequestMatchingCommand,
  type RequestMatchingEvent,
  type RequestMatchingState,
  type SuggestHelpers,
} from '../domain/request-matching.decider';
import { MATCHING_OPTIONS, type MatchingOptions } from '../matching.options';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from './policy-settings';
import { findCandidates, searchCells, toCandidate, type CandidateSearch } from './candidate-search.queries';
import { writeFactsAndReadSuggestionInputs, type RequestFactsWrite, type TrackedRequestFacts } from './suggestion-inputs.queries';

export const MATCHING_ACTOR = 'system:matching';

export const requestMatchingStream = (podId: string, requestId: string) => streamName('request-matching', podId, requestId);

/** The tracked facts read as a plain row: dates arrive as Date, not as the ISO strings of the JSON read. */
type TrackedRequestRow = Omit<TrackedRequestFacts, 'needed_from' | 'needed_until'> & { needed_from: Date | null; needed_until: Date | null };

/**
 * Makes a round of suggestions for one request: reads its facts and the candidates from the read models, ranks them
 * with the pure scoring and lets the decider record the round. Runs inside the caller's transaction.
 */
@Injectable()
export class SuggestHelpersService {
  readonly commands: CommandHandler<RequestMatchingState, RequestMatchingCommand, RequestMatchingEvent>;

  constructor(
    store: PostgresEventStore,
    @Inject(MATCHING_OPTIONS) private readonly options: MatchingOptions,
  ) {
    this.commands = new CommandHandler(store, requestMatchingDecider);
  }

  /**
   * A request posted or edited: its facts are written and the round made with two statements in all, one that writes
   * the facts and reads the candidates (searched with the event's facts) and the stream's version, and the append.
   * The fixed cost of a round is mostly round trips to PostgreSQL, so the common case needs no more. When the kept
   * facts differ from the event's (a request escalated to other pods, a redelivered post of a request known since),
   * the candidates are searched again with the kept facts.
   */
  async suggestAfterFactsChanged(
    em: EntityManager,
    write: RequestFactsWrite,
    expected: { readonly podId: string; readonly category: string; readonly locationCell: string | null },
    trigger: SuggestHelpers['data']['trigger'],
    metadata: CommandMetadata,
  ): Promise<void> {
    const search: CandidateSearch = { podIds: [expected.podId], category: expected.category, cells: searchCells(expected), preferRested: this.preferRested() };
    const inputs = await writeFactsAndReadSuggestionInputs(em, write, search, requestMatchingStream(expected.podId, write.requestId));
    const row = inputs.request;
    if (!row || !row.requester_member_id) return;
    const request = requestToMatch(row, row.requester_member_id);
    const searchedAsKept =
      row.pod_id === expected.podId && row.escalated_to.length === 0 && row.category === expected.category && row.location_cell === expected.locationCell;
    const candidates = searchedAsKept ? inputs.candidates.map(toCandidate) : await this.candidatesOf(em, request, row.escalated_to);
    await this.recordRound(em, request, candidates, trigger, metadata, searchedAsKept ? inputs.streamVersion : undefined);
  }

  /** A new round for a request matching already tracks (a new offer nearby, a withdrawn match, an escalation). */
  async suggest(em: EntityManager, podId: string, requestId: string, trigger: SuggestHelpers['data']['trigger'], metadata: CommandMetadata): Promise<void> {
    const [row] = await query<TrackedRequestRow>(
      em,
      `select r.*, h.languages as requester_languages from tracked_requests r
       left join pod_helpers h on h.member_id = r.requester_member_id
       where r.request_id = ?`,
      [requestId],
    );
    if (!row || !row.requester_member_id) return;
    const request = requestToMatch(row, row.requester_member_id);
    const candidates = await this.candidatesOf(em, request, row.escalated_to);
    await this.recordRound(em, request, candidates, trigger, metadata);
  }

  private preferRested(): boolean {
    return this.options.scoring.weights.fairness > 0;
  }

  private async candidatesOf(em: EntityManager, request: RequestToMatch, escalatedTo: readonly string[]): Promise<HelperCandidate[]> {
    const podIds = [request.podId, ...escalatedTo];
    // Candidates of neighbouring pods are read on purpose across pods (see the region-scan policies).
    if (podIds.length > 1) await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
    const candidates = await findCandidates(em, request, podIds, { preferRested: this.preferRested() });
    if (podIds.length > 1) await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
    return candidates;
  }

  /**
   * Ranks the candidates and lets the decider record the round. A stream known not to exist yet (version 0, read in
   * this transaction) is started without reading it: nobody else writes a request's stream before matching has
   * tracked it and committed, and should someone still win that race, the unique stream position fails the
   * transaction and the event is delivered again. Otherwise the command handler loads the stream and retries on a
   * concurrent change.
   */
  private async recordRound(
    em: EntityManager,
    request: RequestToMatch,
    candidates: readonly HelperCandidate[],
    trigger: SuggestHelpers['data']['trigger'],
    metadata: CommandMetadata,
    knownStreamVersion?: number,
  ): Promise<void> {
    const ranked = rankSuggestions(request, candidates, this.options.scoring, new Date(metadata.now));
    const stream = requestMatchingStream(request.podId, request.requestId);
    const command: SuggestHelpers = {
      type: 'SuggestHelpers',
      data: {
        request: {
          requestId: request.requestId,
          podId: request.podId,
          requesterMemberId: request.requesterMemberId,
          category: request.category,
          urgency: request.urgency,
        },
        suggestions: ranked.map((suggestion) => ({ suggestionId: randomUUID(), ...suggestion })),
        trigger,
      },
      metadata,
    };
    await this.commands.handle(em, stream, command, { startIfNew: knownStreamVersion === 0 });
  }
}

function requestToMatch(row: TrackedRequestFacts | TrackedRequestRow, requesterMemberId: string): RequestToMatch {
  return {
    requestId: row.request_id,
    podId: row.pod_id,
    requesterMemberId,
    category: row.category,
    subcategory: row.subcategory,
    urgency: row.urgency,
    locationCell: row.location_cell,
    languages: [...new Set([...(row.language ? [row.language] : []), ...(row.requester_languages ?? [])])],
    neededFrom: row.needed_from ? new Date(row.needed_from).toISOString() : null,
    neededUntil: row.needed_until ? new Date(row.needed_until).toISOString() : null,
  };
}
