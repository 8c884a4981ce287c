import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decider } from '@mutuo/domain';
import { queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { incidentDecider } from '../src/domain/incident.decider';
import { offerDecider } from '../src/domain/offer.decider';
import { FORMER_MEMBER_TEXT, requestDecider, type RequestEvent } from '../src/domain/request.decider';
import { sharedResourceDecider } from '../src/domain/shared-resource.decider';
import { requestsService } from '../src/requests.service';

/**
 * Every shape requests has ever written its events in (test/fixtures/events, one file per release that changed a
 * shape), stored as that release stored them, is read in the current shape: every projection applies it without
 * parking anything, and every decider folds it into a state it can decide on. Real PostgreSQL and NATS.
 */
interface FixtureEvent {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamPosition: number;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}
interface Fixture {
  readonly name: string;
  readonly podId: string;
  readonly events: FixtureEvent[];
  /** The fixture's ids (as written in the file) mapped to the ones used in this run. */
  readonly ids: Map<string, string>;
}

const FIXTURES = join(__dirname, 'fixtures', 'events');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Each file with fresh ids (the same everywhere in the file), so the files' identical ids do not collide. */
function loadFixture(file: string): Fixture {
  const ids = new Map<string, string>();
  const text = readFileSync(join(FIXTURES, file), 'utf8').replace(UUID, (id) => ids.get(id) ?? ids.set(id, randomUUID()).get(id)!);
  const { events } = JSON.parse(text) as { events: FixtureEvent[] };
  return { name: file, podId: events[0]!.streamId.split(':')[1]!, events, ids };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const DECIDERS: Record<string, Decider<any, any, any>> = {
  request: requestDecider,
  offer: offerDecider,
  incident: incidentDecider,
  'shared-resource': sharedResourceDecider,
};

/** The field paths of a state, two levels deep, that hold a value (undefined counts as missing). */
function fieldPaths(value: unknown, depth = 2, path = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth === 0) return value === undefined ? [] : [path];
  return Object.entries(value).flatMap(([key, inner]) => fieldPaths(inner, depth - 1, path ? `${path}.${key}` : key));
}

/** A stream id of one fixture as the same stream is named in another (the files share their ids before loading). */
function sameStreamIn(from: Fixture, to: Fixture, streamId: string): string {
  const original = new Map([...from.ids].map(([written, used]) => [used, written]));
  return streamId.replace(UUID, (id) => to.ids.get(original.get(id)!)!);
}

describe('requests event history (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const fixtures = readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map(loadFixture);
  const [firstService, beforeRegionBrowsing, current] = fixtures as [Fixture, Fixture, Fixture];

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_history',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
    // As those releases stored them: straight rows, in stream order, without the current release's version stamps.
    for (const fixture of fixtures) {
      for (const event of fixture.events) {
        await queryDatabase(
          sut.db.adminUrl,
          `insert into mutuo_events (event_id, stream_id, stream_position, pod_id, type, data, metadata) values ($1, $2, $3, $4, $5, $6, $7)`,
          [event.eventId, event.streamId, event.streamPosition, fixture.podId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
        );
      }
    }
    sut.service.projections.nudge();
    await waitFor(async () => [...(await sut.service.projections.lag()).values()].every((behind) => behind === 0), {
      description: 'every projection to reach the end of the fixtures',
      timeoutMs: 30_000,
    });
  }, 90_000);
  afterAll(() => sut?.stop(), 30_000);

  it('has a fixture for each release that changed a shape', () => {
    expect(fixtures.map((fixture) => fixture.name)).toEqual(['1-first-requests-service.json', '2-before-region-browsing.json', '3-current.json']);
  });

  it('projects every event of every shape into every read model, parking none', async () => {
    expect(await queryDatabase(sut.db.adminUrl, 'select projection, event_type, error from mutuo_parked_events')).toEqual([]);
    for (const fixture of [beforeRegionBrowsing, current]) {
      const requests = await queryDatabase<{ title: string; status: string }>(
        sut.db.adminUrl,
        'select title, status from request_details where pod_id = $1 order by posted_at',
        [fixture.podId],
      );
      expect(requests).toEqual([
        { title: 'Groceries for this week', status: 'in-progress' },
        { title: 'A ride to the clinic', status: 'cancelled' },
        { title: 'Soup for two evenings', status: 'expired' },
        { title: FORMER_MEMBER_TEXT, status: 'open' },
      ]);
      const where = 'where pod_id = $1 order by 1';
      expect(await queryDatabase(sut.db.adminUrl, `select status from offers ${where}`, [fixture.podId])).toHaveLength(2);
      expect(await queryDatabase(sut.db.adminUrl, `select status from incidents ${where}`, [fixture.podId])).toEqual([{ status: 'closed' }]);
      expect(await queryDatabase(sut.db.adminUrl, `select status from shared_resources ${where}`, [fixture.podId])).toEqual([{ status: 'retired' }]);
    }
  });

  it('reads a RequestPosted written before region browsing with regionId null: its request stays in its own pod', async () => {
    const posted = beforeRegionBrowsing.events.find((event) => event.type === 'RequestPosted')!;
    expect(posted.data).not.toHaveProperty('regionId');

    const { events } = await sut.service.store.readStream(sut.service.orm.em.fork(), posted.streamId);
    expect(events[0]!.data).toMatchObject({ regionId: null, visibility: 'region' });
    expect(events[0]!.metadata).toMatchObject({ schemaVersion: 3 });
    const rows = await queryDatabase<{ region_id: string | null }>(sut.db.adminUrl, 'select region_id from request_details where pod_id = $1', [
      beforeRegionBrowsing.podId,
    ]);
    expect(rows.map((row) => row.region_id)).toEqual([null, null, null, null]);
    // The current shape keeps the region it was posted in.
    const region = current.ids.get('c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e01');
    const currentRows = await queryDatabase<{ region_id: string }>(sut.db.adminUrl, 'select distinct region_id from request_details where pod_id = $1', [
      current.podId,
    ]);
    expect(currentRows).toEqual([{ region_id: region }]);
  });

  it("gives the first service's bare RequestPosted the lifecycle facts it lacked, so the request can be edited today", async () => {
    const [posted] = firstService.events;
    const row = (
      await queryDatabase<Record<string, unknown>>(sut.db.adminUrl, 'select * from request_details where id = $1', [
        (posted!.data as { requestId: string }).requestId,
      ])
    )[0]!;
    expect(row).toMatchObject({ status: 'open', visibility: 'pod', anonymous: false, region_id: null, posted_by_member_id: row['requester_member_id'] });

    const { events } = await sut.service.store.readStream(sut.service.orm.em.fork(), posted!.streamId);
    const state = events.reduce((folded, event) => requestDecider.evolve(folded, event as unknown as RequestEvent), requestDecider.initialState());
    const requester = { memberId: (posted!.data as { requesterMemberId: string }).requesterMemberId, roles: ['member'] };
    const edited = requestDecider.decide(
      {
        type: 'EditRequest',
        data: { change: { title: 'Still need groceries' }, actor: requester, responseTargets: { emergency: 4, urgent: 24, normal: 168 } },
        metadata: { now: new Date().toISOString(), actorId: requester.memberId, podId: firstService.podId },
      },
      state,
    );
    expect(edited.map((event) => event.type)).toEqual(['RequestEdited']);
  });

  it('folds every stream of every shape through its decider into a state with every field the current shape has', async () => {
    const read = async (streamId: string) => (await sut.service.store.readStream(sut.service.orm.em.fork(), streamId)).events;
    for (const fixture of fixtures) {
      for (const streamId of new Set(fixture.events.map((event) => event.streamId))) {
        const decider = DECIDERS[streamId.split(':')[0]!]!;
        const events = await read(streamId);
        // The same history written today: the same number of events of the same stream in the current fixture.
        const today = (await read(sameStreamIn(fixture, current, streamId))).slice(0, events.length);
        const fold = (history: typeof events) => history.reduce((state, event) => decider.evolve(state, event), decider.initialState());
        expect({ streamId, fields: fieldPaths(fold(events)).sort() }).toEqual({ streamId, fields: fieldPaths(fold(today)).sort() });
      }
    }
  });

  it('reports lag and parked events per projection on /metrics', async () => {
    const response = await fetch(`${sut.service.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const projection of requestsService.projections.map((candidate) => candidate.name)) {
      expect(text).toContain(`mutuo_projection_lag_events{projection="${projection}",service="requests"} 0`);
      expect(text).toContain(`mutuo_projection_parked_events{projection="${projection}",service="requests"} 0`);
      expect(text).toContain(`mutuo_projection_failures_total{projection="${projection}",service="requests"} 0`);
    }
  });
});
