import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, streamName } from '@mutuo/event-store';
import { rankSuggestions, type RequestToMatch, type Urgency } from '../domain/helper-scoring';
import {
  requestMatchingDecider,
  type RequestMatchingCommand,
  type RequestMatchingEvent,
  type RequestMatchingState,
  type SuggestHelpers,
} from '../domain/request-matching.decider';
import { MATCHING_OPTIONS, type MatchingOptions } from '../matching.options';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from '../migrations/suggestions.migration';
import { findCandidates } from './candidate-search.queries';

export const MATCHING_ACTOR = 'system:matching';

export const requestMatchingStream = (podId: string, requestId: string) => streamName('request-matching', podId, requestId);

interface TrackedRequestRow {
  request_id: string;
  pod_id: string;
  requester_member_id: string | null;
  category: string;
  subcategory: string | null;
  urgency: Urgency;
  language: string | null;
  location_cell: string | null;
  needed_from: Date | null;
  needed_until: Date | null;
  escalated_to: string[];
  requester_languages: string[] | null;
}

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

  async suggest(em: EntityManager, podId: string, requestId: string, trigger: SuggestHelpers['data']['trigger'], metadata: CommandMetadata): Promise<void> {
    const [row] = await query<TrackedRequestRow>(
      em,
      `select r.*, h.languages as requester_languages from tracked_requests r
       left join pod_helpers h on h.member_id = r.requester_member_id
       where r.request_id = ?`,
      [requestId],
    );
    if (!row || !row.requester_member_id) return;
    const request: RequestToMatch = {
      requestId,
      podId: row.pod_id,
      requesterMemberId: row.requester_member_id,
      category: row.category,
      subcategory: row.subcategory,
      urgency: row.urgency,
      locationCell: row.location_cell,
      languages: [...new Set([...(row.language ? [row.language] : []), ...(row.requester_languages ?? [])])],
      neededFrom: row.needed_from ? new Date(row.needed_from).toISOString() : null,
      neededUntil: row.needed_until ? new Date(row.needed_until).toISOString() : null,
    };
    const podIds = [row.pod_id, ...row.escalated_to];
    // Candidates of neighbouring pods are read on purpose across pods (see the region-scan policies).
    if (podIds.length > 1) await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
    const candidates = await findCandidates(em, request, podIds, { preferRested: this.options.scoring.weights.fairness > 0 });
    if (podIds.length > 1) await query(em, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, '']);
    const ranked = rankSuggestions(request, candidates, this.options.scoring, new Date(metadata.now));
    await this.commands.handle(em, requestMatchingStream(row.pod_id, requestId), {
      type: 'SuggestHelpers',
      data: {
        request: { requestId, podId: row.pod_id, requesterMemberId: row.requester_member_id, category: row.category, urgency: row.urgency },
        suggestions: ranked.map((suggestion) => ({ suggestionId: randomUUID(), ...suggestion })),
        trigger,
      },
      metadata,
    });
  }
}
