import type { EntityManager } from '@mikro-orm/postgresql';
import { geohashCenter } from '@mutuo/domain';
import { defineProjection, query, type StoredEvent } from '@mutuo/event-store';
import { REQUEST_EVENT_TYPES, type RequestEvent } from '../domain/request.events';
import { FORMER_MEMBER_TEXT } from '../domain/request.state';
import type { HelpFacts } from '../domain/help-facts';

/**
 * One row per request (browse and detail) plus its timeline. Each event moves the row only when its stream
 * position is past the row's version, so a replay never moves a request backwards.
 */
export const requestDetailsProjection = defineProjection<RequestEvent>({
  name: 'request-details',
  eventTypes: REQUEST_EVENT_TYPES,

  async apply(em: EntityManager, event) {
    const position = event.streamPosition;
    const id = event.data.requestId;
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'RequestPosted': {
        const data = event.data;
        await query(
          em,
          `insert into request_details (id, pod_id, requester_member_id, posted_by_member_id, anonymous, title, description, language, category,
             subcategory, urgency, status, posted_at, respond_by, incident_id, version, region_id, ${FACT_COLUMNS})
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ${FACT_PLACEHOLDERS})
           on conflict (id) do nothing`,
          [
            id,
            data.podId,
            data.requesterMemberId,
            data.postedByMemberId,
            data.anonymous,
            data.title,
            data.description,
            data.language,
            data.category,
            data.subcategory,
            data.urgency,
            data.postedAt,
            data.respondBy,
            data.incidentId,
            position,
            data.regionId,
            ...factValues(data),
          ],
        );
        await timeline(em, event, id, 'posted', data.postedByMemberId, {
          urgency: data.urgency,
          incidentId: data.incidentId,
          onBehalf: data.postedByMemberId !== data.requesterMemberId,
        });
        return;
      }
      case 'RequestEdited': {
        const data = event.data;
        await update(
          em,
          id,
          position,
          `title = case when author_erased then title else ? end, description = case when author_erased then description else ? end,
           language = ?, category = ?, subcategory = ?, urgency = ?, respond_by = ?, ${FACT_ASSIGNMENTS}`,
          [data.title, data.description, data.language, data.category, data.subcategory, data.urgency, data.respondBy, ...factValues(data)],
        );
        await timeline(em, event, id, 'edited', data.editedByMemberId, { urgency: data.urgency });
        return;
      }
      case 'RequestMatched':
        await update(
          em,
          id,
          position,
          `status = case when status = 'open' then 'matched' else status end, first_matched_at = coalesce(first_matched_at, ?),
           helper_member_ids = array_append(array_remove(helper_member_ids, ?::uuid), ?::uuid)`,
          [event.data.matchedAt, event.data.helperMemberId, event.data.helperMemberId],
        );
        await timeline(em, event, id, 'matched', event.data.helperMemberId, { matchId: event.data.matchId });
        return;
      case 'RequestMatchWithdrawn':
        await update(em, id, position, 'helper_member_ids = array_remove(helper_member_ids, ?::uuid)', [event.data.helperMemberId]);
        await timeline(em, event, id, 'match-withdrawn', event.data.helperMemberId, { matchId: event.data.matchId });
        return;
      case 'RequestReopened':
        await update(em, id, position, `status = 'open', helper_member_ids = '{}'`, []);
        await timeline(em, event, id, 'reopened', null, { matchId: event.data.matchId });
        return;
      case 'RequestStarted':
        await update(em, id, position, `status = 'in-progress'`, []);
        await timeline(em, event, id, 'started', event.data.startedByMemberId, {});
        return;
      case 'RequestFulfilled': {
        const minutes = event.data.contributions.reduce((sum, contribution) => sum + contribution.minutes, 0);
        await update(em, id, position, `status = 'fulfilled', fulfilled_at = ?, hours_given_minutes = ?`, [event.data.fulfilledAt, minutes]);
        await timeline(em, event, id, 'fulfilled', event.data.confirmedByMemberId, { confirmedBy: event.data.confirmedBy, hoursGivenMinutes: minutes });
        return;
      }
      case 'RequestFulfilmentReversed':
        await update(em, id, position, `status = 'in-progress', fulfilled_at = null, hours_given_minutes = null`, []);
        await timeline(em, event, id, 'fulfilment-reversed', event.data.reversedByMemberId, {});
        return;
      case 'RequestCancelled':
        await update(em, id, position, `status = 'cancelled', closed_at = ?`, [event.data.cancelledAt]);
        await timeline(em, event, id, 'cancelled', event.data.cancelledByMemberId, { by: event.data.by });
        return;
      case 'RequestExpired':
        await update(em, id, position, `status = 'expired', closed_at = ?`, [event.data.expiredAt]);
        await timeline(em, event, id, 'expired', null, {});
        return;
      case 'RequestAuthorErased':
        await update(em, id, position, `title = ?, description = '', precise_lat = null, precise_lon = null, author_erased = true`, [FORMER_MEMBER_TEXT]);
        // The timeline keeps what happened, not who: the erased member's entries lose their actor.
        await query(em, 'update request_timeline set actor_member_id = null where request_id = ? and actor_member_id = ?', [id, event.data.memberId]);
        await timeline(em, event, id, 'author-erased', null, {});
        return;
      default:
        return assertUnknown(event, at);
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate request_details, request_timeline');
  },
});

const FACT_COLUMNS =
  'window_from, window_until, window_rrule, window_duration_minutes, location_cell, cell_lat, cell_lon, precise_lat, precise_lon, visibility, quantity';
const FACT_PLACEHOLDERS = FACT_COLUMNS.split(',')
  .map(() => '?')
  .join(', ');
const FACT_ASSIGNMENTS = FACT_COLUMNS.split(',')
  .map((column) => column.trim())
  .map((column) => (column.startsWith('precise_') ? `${column} = case when author_erased then null else ?::double precision end` : `${column} = ?`))
  .join(', ');

/** The columns every post and edit writes, in FACT_COLUMNS order; the cell centre lets an area filter use plain numbers. */
export function factValues(facts: Pick<HelpFacts, 'window' | 'location' | 'visibility' | 'quantity'>): unknown[] {
  const centre = facts.location.cell ? geohashCenter(facts.location.cell) : undefined;
  return [
    facts.window.from,
    facts.window.until,
    facts.window.rrule,
    facts.window.durationMinutes,
    facts.location.cell,
    centre?.lat ?? null,
    centre?.lon ?? null,
    facts.location.precise?.lat ?? null,
    facts.location.precise?.lon ?? null,
    facts.visibility,
    facts.quantity,
  ];
}

async function update(em: EntityManager, id: string, position: number, assignments: string, params: unknown[]): Promise<void> {
  await query(em, `update request_details set ${assignments}, version = ? where id = ? and version < ?`, [...params, position, id, position]);
}

async function timeline(em: EntityManager, stored: StoredEvent, requestId: string, kind: string, actorMemberId: string | null, details: object): Promise<void> {
  await query(
    em,
    `insert into request_timeline (request_id, pod_id, position, kind, at, actor_member_id, details) values (?, ?, ?, ?, ?, ?, ?::jsonb)
     on conflict do nothing`,
    [requestId, stored.podId, stored.streamPosition, kind, stored.metadata.occurredAt, actorMemberId, JSON.stringify(details)],
  );
}

function assertUnknown(event: never, _at: string): void {
  throw new Error(`request-details cannot apply ${(event as { type: string }).type}`);
}
