import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@mutuo/event-store';
import { queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';
import { requestStream } from '../src/shared/streams';

/**
 * The incident: a request titled "a\u0000b" was stored (sealed, so PostgreSQL never saw the NUL), then the
 * request-details projection failed on it forever and no pod's board moved. Now the event is parked: other pods'
 * boards advance, the same request's later events wait behind it. Real PostgreSQL and NATS. Today's contracts refuse
 * the NUL on append, so the test stores it as the older release did: sealed by the same codec, with no outbox check.
 */
describe('a poison event in requests (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const podA = randomUUID();
  const podB = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_poison',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
  }, 90_000);
  afterAll(() => sut?.stop(), 30_000);

  const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }';
  const BOARD = '{ openRequests(first: 50) { edges { node { id title } } } }';
  const board = async (token: string) =>
    ((await sut.graphql<{ openRequests: { edges: { node: { id: string; title: string } }[] } }>(token, BOARD)).data?.openRequests.edges ?? []).map(
      (edge) => edge.node.title,
    );
  const metadata = (podId: string, actorId: string) => ({ occurredAt: new Date().toISOString(), actorId, podId });

  /** What a release without text validation stored: the decider's event, with a NUL in the title. */
  function poisonedPost(requestId: string, memberId: string) {
    const postedAt = new Date().toISOString();
    return {
      type: 'RequestPosted',
      data: {
        requestId,
        podId: podA,
        regionId: null,
        requesterMemberId: memberId,
        postedByMemberId: memberId,
        anonymous: false,
        incidentId: null,
        title: 'a\u0000b',
        description: '',
        language: 'en',
        category: 'groceries',
        subcategory: null,
        urgency: 'normal',
        postedAt,
        respondBy: postedAt,
        window: { from: null, until: null, rrule: null, durationMinutes: null },
        location: { cell: null, precise: null },
        visibility: 'pod',
        quantity: null,
      },
      metadata: metadata(podA, memberId),
    };
  }

  it("parks pod A's unappliable request while pod B's board, and A's other requests, keep moving", async () => {
    const anaId = randomUUID();
    const poisonedId = randomUUID();
    const stream = requestStream(podA, poisonedId);
    const olderRelease = new PostgresEventStore({ codec: requestsService.eventDataCodec?.(process.env, sut.service.config.PERSONAL_DATA_KEKS) });
    await olderRelease.append(sut.service.orm.em.fork(), stream, [poisonedPost(poisonedId, anaId)], 'no_stream');
    await olderRelease.append(
      sut.service.orm.em.fork(),
      stream,
      [
        {
          type: 'RequestCancelled',
          data: { requestId: poisonedId, cancelledByMemberId: anaId, by: 'requester', cancelledAt: new Date().toISOString() },
          metadata: metadata(podA, anaId),
        },
      ],
      1,
    );

    const bruno = await sut.token('person-bruno', podB);
    const ana = await sut.token(anaId, podA);
    for (const [token, title] of [
      [bruno, 'Soup for a neighbour'],
      [ana, 'A lift to the pharmacy'],
    ] as const) {
      const posted = await sut.graphql(token, POST, { input: { title, language: 'en', category: 'MEALS' } });
      expect(posted.errors).toBeUndefined();
    }

    await waitFor(async () => (await board(bruno)).includes('Soup for a neighbour'), { description: "pod B's board", timeoutMs: 30_000 });
    await waitFor(async () => (await board(ana)).includes('A lift to the pharmacy'), { description: "pod A's other request", timeoutMs: 30_000 });
    const parked = await queryDatabase<{ stream_position: number; reason: string; pod_id: string; error: string }>(
      sut.db.adminUrl,
      `select stream_position, reason, pod_id, error from mutuo_parked_events where projection = 'request-details' order by stream_position`,
    );
    expect(parked.map((row) => [row.stream_position, row.reason, row.pod_id])).toEqual([
      [1, 'failed', podA],
      [2, 'waiting-behind', podA],
    ]);
    expect(parked[0]!.error).toMatch(/0x00|invalid byte sequence/i);

    const metrics = await (await fetch(`${sut.service.url}/metrics`)).text();
    expect(metrics).toContain('mutuo_projection_parked_events{projection="request-details",service="requests"} 2');
    expect(metrics).toMatch(/mutuo_projection_failures_total\{projection="request-details",service="requests"\} [1-9]/);
  });
});
