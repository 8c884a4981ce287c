import { randomUUID } from 'node:crypto';
import { MatchMadeV1, MatchWithdrawnV1, MemberErasedV1, memberIdFor, type AnyIntegrationEventContract } from '@mutuo/contracts';
import { IntegrationEventPublisher, natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';

const REGION = 'test-region';

/**
 * A request's life through the subgraph, with matching's and membership's events arriving from JetStream as in
 * production: matched, back to open, matched again, confirmed with hours; a stale edit loses; an erased author's
 * words disappear from every read model.
 */
describe('request lifecycle (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let producer: IntegrationEventPublisher;
  const prefix = natsTestPrefix();
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  const bo = memberIdFor(podId, 'person-bo');

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_lifecycle',
      appRole: 'mutuo_requests_app',
      natsPrefix: prefix,
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
    producer = await IntegrationEventPublisher.connect(prefix, REGION);
  }, 60_000);

  afterAll(async () => {
    await producer?.close();
    await sut?.stop();
  }, 30_000);

  const token = (person: string, roles = ['member']) => sut.token(person, podId, roles);
  const REQUEST_FIELDS =
    'id status version title description urgency locationCell precisePoint { lat } requester { id } helpers { id } minutesGiven firstMatchedAt authorErased';
  const POST = `mutation($input: PostRequestInput!) { postRequest(input: $input) { ${REQUEST_FIELDS} } }`;
  const READ = `query($id: ID!) { request(id: $id) { ${REQUEST_FIELDS} timeline { kind actor { id } } } }`;
  type RequestResult = {
    id: string;
    status: string;
    version: number;
    title: string;
    description: string;
    urgency: string;
    locationCell: string | null;
    precisePoint: { lat: number } | null;
    requester: { id: string } | null;
    helpers: { id: string }[];
    minutesGiven: number | null;
    firstMatchedAt: string | null;
    authorErased: boolean;
    timeline?: { kind: string; actor: { id: string } | null }[];
  };
  const input = {
    title: 'A lift to the clinic',
    description: 'Wheelchair, Rua das Flores 12',
    language: 'pt',
    category: 'TRANSPORT',
    location: { point: { lat: 38.7223, lon: -9.1393 }, sharePrecisePoint: true },
    window: { until: new Date(Date.now() + 86_400_000).toISOString() },
  };

  async function read(id: string, person = 'person-ana'): Promise<RequestResult | null> {
    const { data } = await sut.graphql<{ request: RequestResult | null }>(await token(person), READ, { id });
    return data?.request ?? null;
  }

  it('follows matching: matched, withdrawn back to open, matched again, then confirmed with the minutes given', async () => {
    const posted = await sut.graphql<{ postRequest: RequestResult }>(await token('person-ana'), POST, { input });
    expect(posted.errors).toBeUndefined();
    const id = posted.data!.postRequest.id;
    expect(posted.data!.postRequest).toMatchObject({ status: 'OPEN', urgency: 'NORMAL', locationCell: 'eycs21', requester: { id: ana } });

    await publish(MatchMadeV1, `match:${podId}:m1`, match('m1', id));
    await waitFor(async () => (await read(id))?.status === 'MATCHED', { description: 'the request to be matched', timeoutMs: 30_000 });
    await publish(MatchWithdrawnV1, `match:${podId}:m1`, { ...withdrawal('m1', id) });
    await waitFor(async () => (await read(id))?.status === 'OPEN', { description: 'the request to be open again', timeoutMs: 30_000 });
    await publish(MatchMadeV1, `match:${podId}:m2`, match('m2', id));
    const matched = await waitFor(
      async () => {
        const request = await read(id);
        return request?.status === 'MATCHED' ? request : undefined;
      },
      { description: 'the second match', timeoutMs: 30_000 },
    );
    expect(matched.helpers).toEqual([{ id: bo }]);

    const byBo = await sut.graphql(await token('person-bo'), 'mutation($input: ConfirmFulfilmentInput!) { confirmFulfilment(input: $input) { id } }', {
      input: { requestId: id, hoursGiven: [{ helperMemberId: bo, minutes: 45 }] },
    });
    expect(byBo.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_YOUR_REQUEST', field: 'requestId' });

    const confirmed = await sut.graphql<{ confirmFulfilment: RequestResult }>(
      await token('person-ana'),
      `mutation($input: ConfirmFulfilmentInput!) { confirmFulfilment(input: $input) { ${REQUEST_FIELDS} } }`,
      { input: { requestId: id, hoursGiven: [{ helperMemberId: bo, minutes: 45 }] } },
    );
    expect(confirmed.errors).toBeUndefined();
    expect(confirmed.data!.confirmFulfilment).toMatchObject({ status: 'FULFILLED', minutesGiven: 45 });
    const done = await waitFor(
      async () => {
        const request = await read(id);
        return request?.status === 'FULFILLED' ? request : undefined;
      },
      { description: 'the read model to show it fulfilled', timeoutMs: 30_000 },
    );
    expect(done.timeline!.map((entry) => entry.kind)).toEqual(['posted', 'matched', 'reopened', 'matched', 'fulfilled']);

    const published = await adminQuery<{ subject: string }>(
      `select publish_subject as subject from mutuo_events where stream_id like $1 order by global_position`,
      [`request:${podId}:${id}`],
    );
    expect(published.map((row) => row.subject.split('.').slice(-2, -1)[0])).toEqual([
      'request-posted',
      'request-matched',
      'request-reopened',
      'request-matched',
      'request-fulfilled',
    ]);
  }, 60_000);

  it('lets exactly one of two concurrent edits win; the other is told to reload and writes nothing', async () => {
    const posted = await sut.graphql<{ postRequest: RequestResult }>(await token('person-ana'), POST, { input });
    const { id, version } = posted.data!.postRequest;
    const EDIT = 'mutation($input: EditRequestInput!) { editRequest(input: $input) { version title } }';
    const anaToken = await token('person-ana');
    const results = await Promise.all(
      ['A lift on Monday', 'A lift on Tuesday'].map((title) =>
        sut.graphql<{ editRequest: { version: number } }>(anaToken, EDIT, { input: { requestId: id, expectedVersion: version, title } }),
      ),
    );
    const winners = results.filter((result) => !result.errors);
    const losers = results.filter((result) => result.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]!.errors![0]!.extensions).toMatchObject({ code: 'VERSION_CONFLICT', field: 'expectedVersion' });
    expect(losers[0]!.errors![0]!.message).toMatch(/reload/);
    const rows = await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events where stream_id = $1', [`request:${podId}:${id}`]);
    expect(rows[0]!.n).toBe(2);
  }, 60_000);

  it("measures response time against the pod's own targets once a coordinator tunes them", async () => {
    const SET = 'mutation($input: ResponseTargetsInput!) { setResponseTargets(input: $input) { emergencyHours urgentHours normalHours } }';
    const refused = await sut.graphql(await token('person-ana'), SET, { input: { emergencyHours: 1, urgentHours: 8, normalHours: 72 } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_ALLOWED' });
    const tuned = await sut.graphql(await token('person-cora', ['member', 'coordinator']), SET, {
      input: { emergencyHours: 1, urgentHours: 8, normalHours: 72 },
    });
    expect(tuned.data).toEqual({ setResponseTargets: { emergencyHours: 1, urgentHours: 8, normalHours: 72 } });

    const posted = await sut.graphql<{ postRequest: { postedAt: string; respondBy: string } }>(
      await token('person-ana'),
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { postedAt respondBy } }',
      { input: { ...input, urgency: 'EMERGENCY' } },
    );
    const { postedAt, respondBy } = posted.data!.postRequest;
    expect(Date.parse(respondBy) - Date.parse(postedAt)).toBe(3_600_000);
  });

  it('refuses bad input naming the field and stores nothing', async () => {
    const before = (await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events'))[0]!.n;
    const anaToken = await token('person-ana');
    const windowBackwards = await sut.graphql(anaToken, POST, { input: { ...input, window: { from: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' } } });
    expect(windowBackwards.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_WINDOW', field: 'window.until' });
    const noQuantity = await sut.graphql(anaToken, POST, { input: { ...input, quantity: 0 } });
    expect(noQuantity.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_QUANTITY', field: 'quantity' });
    expect((await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events'))[0]!.n).toBe(before);
  });

  it('blanks what an erased member wrote and shows them as a former member', async () => {
    const posted = await sut.graphql<{ postRequest: RequestResult }>(await token('person-ana'), POST, { input });
    const id = posted.data!.postRequest.id;
    await waitFor(async () => (await read(id)) !== null, { description: 'the read model', timeoutMs: 30_000 });

    // What Ana wrote never lies in clear in the event history: it is sealed with her data key.
    const inClear = `select count(*)::int as n from mutuo_events where data::text like '%Rua das Flores%' or data::text like '%clinic%' or coalesce(publish_data::text, '') like '%clinic%'`;
    expect((await adminQuery<{ n: number }>(inClear))[0]!.n).toBe(0);
    expect((await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_personal_data_keys where owner_id = $1', [ana]))[0]!.n).toBe(1);

    await publish(MemberErasedV1, `member:${podId}:${ana}`, { memberId: ana, podId, erasedAt: new Date().toISOString() });
    const erased = await waitFor(
      async () => {
        const request = await read(id, 'person-bo');
        return request?.authorErased ? request : undefined;
      },
      { description: 'the erasure to reach the read model', timeoutMs: 30_000 },
    );
    expect(erased).toMatchObject({ title: 'Former member', description: '', precisePoint: null, locationCell: 'eycs21' });
    const leftovers = await adminQuery<{ n: number }>(
      `select count(*)::int as n from request_details where requester_member_id = $1 and (title <> 'Former member' or description <> '' or precise_lat is not null)`,
      [ana],
    );
    expect(leftovers[0]!.n).toBe(0);
    // The key is gone: replaying the history (a projection rebuild) shows the stand-ins, never the words.
    expect((await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_personal_data_keys where owner_id = $1', [ana]))[0]!.n).toBe(0);
    await sut.service.projections.rebuild('request-details');
    const rebuilt = await waitFor(async () => (await read(id, 'person-bo')) ?? undefined, { description: 'the rebuilt read model', timeoutMs: 30_000 });
    expect(rebuilt).toMatchObject({ title: 'Former member', description: '', precisePoint: null, locationCell: 'eycs21' });
  }, 60_000);

  function match(matchId: string, requestId: string) {
    return {
      matchId: uuidFor(matchId),
      requestId,
      podId,
      offerId: null,
      suggestionId: randomUUID(),
      requesterMemberId: ana,
      requesterPodId: podId,
      helperMemberId: bo,
      helperPodId: podId,
      crossPod: false,
      via: 'confirmed',
      matchedAt: new Date().toISOString(),
    };
  }

  function withdrawal(matchId: string, requestId: string) {
    return {
      matchId: uuidFor(matchId),
      requestId,
      podId,
      offerId: null,
      requesterMemberId: ana,
      helperMemberId: bo,
      helperPodId: podId,
      withdrawnBy: 'helper',
      reason: null,
      withdrawnAt: new Date().toISOString(),
    };
  }

  const ids = new Map<string, string>();
  function uuidFor(name: string): string {
    if (!ids.has(name)) ids.set(name, randomUUID());
    return ids.get(name)!;
  }

  /** Another service's event, as its outbox relay publishes it. */
  const publish = (contract: AnyIntegrationEventContract, streamId: string, data: unknown) => producer.publish(contract, podId, streamId, data);

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);
});
