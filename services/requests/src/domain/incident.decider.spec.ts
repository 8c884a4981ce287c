import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { Actor } from './help-facts';
import { incidentDecider, summarize, type IncidentCommand, type IncidentEvent } from './incident.decider';

const NOW = '2026-11-25T09:00:00.000Z';
const coordinator: Actor = { memberId: 'member-cora', roles: ['coordinator'] };
const member: Actor = { memberId: 'member-ana', roles: ['member'] };
const area = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [-9.2, 38.7],
      [-9.1, 38.7],
      [-9.1, 38.8],
      [-9.2, 38.7],
    ],
  ] as [number, number][][],
};
const declare = (data: object = {}, actor: Actor = coordinator): IncidentCommand => ({
  type: 'DeclareIncident',
  data: {
    incidentId: 'inc-1',
    podId: 'pod-1',
    regionId: null,
    name: ' Alcântara flood ',
    type: 'flood',
    area,
    startedAt: '2026-11-25T08:00:00Z',
    actor,
    asRegionSteward: false,
    ...data,
  } as never,
  metadata: { now: NOW, actorId: 'person-cora', podId: 'pod-1' },
});
const declared: IncidentEvent = {
  type: 'IncidentDeclared',
  data: {
    incidentId: 'inc-1',
    podId: 'pod-1',
    regionId: null,
    name: 'Alcântara flood',
    type: 'flood',
    area,
    startedAt: '2026-11-25T08:00:00.000Z',
    declaredByMemberId: 'member-cora',
    declaredAt: NOW,
  },
  metadata: { occurredAt: NOW, actorId: 'person-cora', podId: 'pod-1' },
};
const close = (
  actor: Actor = coordinator,
  tagged = [] as { postedAt: string; firstMatchedAt: string | null; fulfilled: boolean }[],
  asRegionSteward = false,
): IncidentCommand => ({
  type: 'CloseIncident',
  data: { actor, asRegionSteward, tagged },
  metadata: { now: NOW, actorId: 'person-cora', podId: 'pod-1' },
});
const refused = (history: IncidentEvent[], cmd: IncidentCommand, code: string, field?: string) => {
  const error = spec(incidentDecider).given(history).when(cmd).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  expect(error.code).toBe(code);
  if (field) expect(error.field).toBe(field);
};

describe('an incident', () => {
  it('given nothing, when a coordinator declares a flood over an area, then it is declared and open', () => {
    spec(incidentDecider).given([]).when(declare()).then([declared]);
    expect(spec(incidentDecider).given([declared]).state().status).toBe('open');
  });

  it.each([
    [{ name: 'x' }, 'INVALID_NAME', 'name'],
    [{ name: 'Flood\u0000zone' }, 'INVALID_NAME', 'name'],
    [{ name: '\u200B\u200B\u2800\u3164' }, 'INVALID_NAME', 'name'],
    [{ type: 'zombies' }, 'INVALID_INCIDENT_TYPE', 'type'],
    [{ startedAt: 'yesterday' }, 'INVALID_START', 'startedAt'],
    [{ startedAt: '2026-12-25T00:00:00Z' }, 'INVALID_START', 'startedAt'],
    [{ area: { type: 'Point', coordinates: [0, 0] } }, 'INVALID_AREA', 'area.type'],
    [
      {
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 1],
              [0, 0],
              [0, 0],
            ],
          ],
        },
      },
      'INVALID_AREA',
      'area.coordinates.0',
    ],
  ])('given nothing, when declaring with %j, then it is refused with %s', (data, code, field) => {
    refused([], declare(data), code, field);
  });

  it('given nothing, when a plain member declares an incident, then it is refused', () => {
    refused([], declare({}, member), 'NOT_ALLOWED');
  });

  it("given nothing, when a steward of the pod's region declares one, then it is declared; a member may not", () => {
    const steward: Actor = { memberId: 'member-stella', roles: ['region-steward'] };
    const [event] = spec(incidentDecider)
      .given([])
      .when(declare({ asRegionSteward: true }, steward))
      .then([{ ...declared, data: { ...declared.data, declaredByMemberId: 'member-stella' } } as IncidentEvent]);
    expect(event!.data).toMatchObject({ declaredByMemberId: 'member-stella' });
    spec(incidentDecider)
      .given([declared])
      .when(close(steward, [], true))
      .then([
        {
          type: 'IncidentClosed',
          data: { incidentId: 'inc-1', closedByMemberId: 'member-stella', closedAt: NOW, summary: summarize([]) },
          metadata: { occurredAt: NOW, actorId: 'person-cora', podId: 'pod-1' },
        },
      ]);
  });

  it('given a declared incident, when it is declared again, then it is refused', () => {
    refused([declared], declare(), 'INCIDENT_EXISTS');
  });

  it('given an open incident, when a coordinator closes it, then the summary counts its requests and the median wait', () => {
    const tagged = [
      { postedAt: NOW, firstMatchedAt: '2026-11-25T09:10:00.000Z', fulfilled: true },
      { postedAt: NOW, firstMatchedAt: '2026-11-25T09:30:00.000Z', fulfilled: false },
      { postedAt: NOW, firstMatchedAt: null, fulfilled: false },
    ];
    spec(incidentDecider)
      .given([declared])
      .when(close(coordinator, tagged))
      .then([
        {
          type: 'IncidentClosed',
          data: {
            incidentId: 'inc-1',
            closedByMemberId: 'member-cora',
            closedAt: NOW,
            summary: { requestsReceived: 3, requestsMatched: 2, requestsFulfilled: 1, medianMinutesToFirstMatch: 20 },
          },
          metadata: { occurredAt: NOW, actorId: 'person-cora', podId: 'pod-1' },
        },
      ]);
  });

  it('given a closed incident, when closed again, then it is refused; a member may not close one; nothing cannot be closed', () => {
    const closed: IncidentEvent = {
      type: 'IncidentClosed',
      data: { incidentId: 'inc-1', closedByMemberId: 'member-cora', closedAt: NOW, summary: summarize([]) },
      metadata: declared.metadata,
    };
    refused([declared, closed], close(), 'INCIDENT_CLOSED');
    refused([declared], close(member), 'NOT_ALLOWED');
    refused([], close(), 'INCIDENT_NOT_FOUND');
  });

  it('summarises an odd count by its middle wait and no matches as no median', () => {
    expect(summarize([{ postedAt: NOW, firstMatchedAt: '2026-11-25T09:05:00.000Z', fulfilled: false }])).toMatchObject({ medianMinutesToFirstMatch: 5 });
    expect(summarize([])).toEqual({ requestsReceived: 0, requestsMatched: 0, requestsFulfilled: 0, medianMinutesToFirstMatch: null });
  });
});
