import { randomUUID } from 'node:crypto';
import { streamName } from '@mutuo/event-store';
import { projectionScenario } from '@mutuo/testing';
import { incidentsProjection } from '../src/incidents/incidents.projection';
import { requestsService } from '../src/requests.service';

describe('incidents projection (real PostgreSQL)', () => {
  const scenario = projectionScenario(incidentsProjection, { service: requestsService });
  beforeAll(() => scenario.open());
  afterAll(() => scenario.close());

  const podId = randomUUID();
  const area = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [-9.14, 38.71],
        [-9.13, 38.71],
        [-9.13, 38.72],
        [-9.14, 38.71],
      ] as [number, number][],
    ],
  };
  const declared = (incidentId: string, name: string) => ({
    incidentId,
    podId,
    regionId: null,
    name,
    type: 'flood' as const,
    area,
    startedAt: '2026-11-30T08:00:00.000Z',
    declaredByMemberId: randomUUID(),
    declaredAt: '2026-11-30T08:05:00.000Z',
  });

  it('opens a row per declared incident and closes it with its summary', async () => {
    const river = randomUUID();
    const storm = randomUUID();
    const summary = { requestsReceived: 4, requestsMatched: 3, requestsFulfilled: 2, medianMinutesToFirstMatch: 12 };
    await scenario.given([
      { stream: streamName('incident', podId, river), type: 'IncidentDeclared', data: declared(river, 'River Tejo flood') },
      { stream: streamName('incident', podId, storm), type: 'IncidentDeclared', data: declared(storm, 'Night storm') },
      {
        stream: streamName('incident', podId, river),
        type: 'IncidentClosed',
        data: { incidentId: river, closedByMemberId: randomUUID(), closedAt: '2026-12-01T18:00:00.000Z', summary },
      },
    ]);

    await scenario.thenRows(
      `select name, type, area, status, to_char(closed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as closed_at, summary
       from incidents where pod_id = $1 order by name`,
      [podId],
      [
        { name: 'Night storm', type: 'flood', area, status: 'open', closed_at: null, summary: null },
        { name: 'River Tejo flood', type: 'flood', area, status: 'closed', closed_at: '2026-12-01T18:00', summary },
      ],
    );
  });
});
