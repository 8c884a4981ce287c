import { INCIDENT_TYPES, type IncidentType } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, parseGeoPolygon, plainText, type GeoPolygon } from '@mutuo/domain';
import { isCoordinator, type Actor } from './help-facts';

/**
 * Crisis mode for a pod: while an incident is open, new requests in its area are tagged with it and urgent by
 * default. Closing it records what happened: requests received, matched, fulfilled, median time to first match.
 */

export interface IncidentSummary {
  readonly requestsReceived: number;
  readonly requestsMatched: number;
  readonly requestsFulfilled: number;
  readonly medianMinutesToFirstMatch: number | null;
}

interface IncidentRecord {
  readonly incidentId: string;
  readonly podId: string;
  readonly regionId: string | null;
  readonly name: string;
  readonly type: IncidentType;
  readonly area: GeoPolygon;
  readonly startedAt: string;
  readonly declaredByMemberId: string;
}

export type IncidentState =
  | { readonly status: 'none' }
  | (IncidentRecord & { readonly status: 'open' })
  | (IncidentRecord & { readonly status: 'closed'; readonly closedAt: string; readonly summary: IncidentSummary });

/** `asRegionSteward`: the handler found the actor to be a steward of the pod's region (else they must coordinate the pod). */
export type DeclareIncident = Command<
  'DeclareIncident',
  {
    incidentId: string;
    podId: string;
    regionId: string | null;
    name: string;
    type: IncidentType;
    area: unknown;
    startedAt: string;
    actor: Actor;
    asRegionSteward: boolean;
  }
>;
/** `tagged` are the requests tagged with the incident, as the read model knows them. */
export type CloseIncident = Command<'CloseIncident', { actor: Actor; asRegionSteward: boolean; tagged: readonly TaggedRequest[] }>;
export type IncidentCommand = DeclareIncident | CloseIncident;

export type IncidentDeclared = DomainEvent<'IncidentDeclared', IncidentRecord & { declaredAt: string }>;
export type IncidentClosed = DomainEvent<'IncidentClosed', { incidentId: string; closedByMemberId: string; closedAt: string; summary: IncidentSummary }>;
export type IncidentEvent = IncidentDeclared | IncidentClosed;
export const INCIDENT_EVENT_TYPES: readonly IncidentEvent['type'][] = ['IncidentDeclared', 'IncidentClosed'];

export interface TaggedRequest {
  readonly postedAt: string;
  readonly firstMatchedAt: string | null;
  readonly fulfilled: boolean;
}

const MAX_START_AHEAD_MS = 24 * 3_600_000;

export const incidentDecider: Decider<IncidentState, IncidentCommand, IncidentEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'DeclareIncident': {
        if (state.status !== 'none') throw new DomainRuleViolation('INCIDENT_EXISTS', 'This incident was already declared', 'incidentId');
        const { actor, incidentId, podId, regionId, type, startedAt, asRegionSteward } = command.data;
        if (!isCoordinator(actor) && !asRegionSteward) {
          throw new DomainRuleViolation('NOT_ALLOWED', "Only the pod's coordinators or its region's stewards may declare an incident", 'incidentId');
        }
        const name = plainText(command.data.name, { field: 'name', min: 3, max: 120, code: 'INVALID_NAME' });
        if (!(INCIDENT_TYPES as readonly string[]).includes(type)) {
          throw new DomainRuleViolation('INVALID_INCIDENT_TYPE', `Type must be one of ${INCIDENT_TYPES.join(', ')}`, 'type');
        }
        const start = Date.parse(startedAt);
        if (!/^\d{4}-\d{2}-\d{2}T/.test(startedAt) || Number.isNaN(start)) {
          throw new DomainRuleViolation('INVALID_START', 'Give the start as an ISO 8601 date-time', 'startedAt');
        }
        if (start > Date.parse(now) + MAX_START_AHEAD_MS) throw new DomainRuleViolation('INVALID_START', 'An incident starts at most a day ahead', 'startedAt');
        let area: GeoPolygon;
        try {
          area = parseGeoPolygon(command.data.area, 'area');
        } catch (error) {
          if (error instanceof DomainRuleViolation) throw new DomainRuleViolation('INVALID_AREA', error.message, error.field);
          throw error;
        }
        return [
          {
            type: 'IncidentDeclared',
            data: {
              incidentId,
              podId,
              regionId,
              name,
              type,
              area,
              startedAt: new Date(start).toISOString(),
              declaredByMemberId: actor.memberId,
              declaredAt: now,
            },
            metadata,
          },
        ];
      }
      case 'CloseIncident': {
        if (state.status === 'none') throw new DomainRuleViolation('INCIDENT_NOT_FOUND', 'There is no such incident', 'incidentId');
        if (!isCoordinator(command.data.actor) && !command.data.asRegionSteward) {
          throw new DomainRuleViolation('NOT_ALLOWED', "Only the pod's coordinators or its region's stewards may close an incident", 'incidentId');
        }
        if (state.status === 'closed') throw new DomainRuleViolation('INCIDENT_CLOSED', 'This incident is already closed', 'incidentId');
        return [
          {
            type: 'IncidentClosed',
            data: { incidentId: state.incidentId, closedByMemberId: command.data.actor.memberId, closedAt: now, summary: summarize(command.data.tagged) },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'incident command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'IncidentDeclared': {
        const { declaredAt: _at, ...record } = event.data;
        return { ...record, status: 'open' };
      }
      case 'IncidentClosed':
        if (state.status !== 'open') return state;
        return { ...state, status: 'closed', closedAt: event.data.closedAt, summary: event.data.summary };
      default:
        return assertNever(event, 'incident event');
    }
  },
};

/** Counts and the median minutes from posting to first match, over the requests that were matched. */
export function summarize(tagged: readonly TaggedRequest[]): IncidentSummary {
  const waits = tagged
    .filter((request) => request.firstMatchedAt !== null)
    .map((request) => (Date.parse(request.firstMatchedAt!) - Date.parse(request.postedAt)) / 60_000)
    .sort((a, b) => a - b);
  const middle = Math.floor(waits.length / 2);
  const median = waits.length === 0 ? null : waits.length % 2 === 1 ? waits[middle]! : (waits[middle - 1]! + waits[middle]!) / 2;
  return {
    requestsReceived: tagged.length,
    requestsMatched: waits.length,
    requestsFulfilled: tagged.filter((request) => request.fulfilled).length,
    medianMinutesToFirstMatch: median === null ? null : Math.round(median * 10) / 10,
  };
}
