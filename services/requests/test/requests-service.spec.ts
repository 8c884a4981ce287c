import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { eventStreamName, parseCloudEvent } from '@mutuo/messaging';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER } from '@mutuo/platform';
import { SignJWT } from 'jose';
import { natsTestPrefix, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';

describe('requests service (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  const podA = randomUUID();
  const podB = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, { databasePrefix: 'requests', natsPrefix: prefix });
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  const tokenFor = (person: string, podId: string) => sut.token(person, podId, ['member']);
  const graphql = <T = Record<string, unknown>>(token: string, query: string, variables: Record<string, unknown> = {}) =>
    sut.graphql<T>(token, query, variables);

  const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id podId status postedAt requester { id } } }';
  const input = (title: string) => ({ title, description: 'Two bags from the market', language: 'en', category: 'GROCERIES', urgency: 'URGENT' });

  it('posts a request as the caller, in the pod of their token, and publishes it exactly once to JetStream', async () => {
    const ana = await tokenFor('person-ana', podA);
    const { data, errors } = await graphql<{ postRequest: { id: string; podId: string; status: string; requester: { id: string } } }>(ana, POST, {
      input: input('Groceries for Friday'),
    });
    expect(errors).toBeUndefined();
    expect(data!.postRequest).toMatchObject({ podId: podA, status: 'OPEN', requester: { id: memberIdFor(podA, 'person-ana') } });

    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = eventStreamName(prefix, 'requests');
      await waitFor(async () => (await jsm.streams.info(stream)).state.messages === 1, { description: 'the event in JetStream', timeoutMs: 30_000 });
      const message = await jsm.streams.getMessage(stream, { seq: 1 });
      expect(message!.subject).toBe(`${prefix}.evt.test-region.${podA}.requests.request-posted.v1`);
      const parsed = parseCloudEvent(message!.data);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(message!.header?.get('Nats-Msg-Id')).toBe(parsed.event.id);
      expect(parsed.event).toMatchObject({ type: 'requests.request-posted.v1', podid: podA, data: { requestId: data!.postRequest.id, category: 'groceries' } });
    } finally {
      await nc.close();
    }
  }, 40_000);

  it('shows a request to its own pod only, even to a query without a pod filter', async () => {
    const ana = await tokenFor('person-ana', podA);
    const { data } = await graphql<{ postRequest: { id: string } }>(ana, POST, { input: input('A lift to the clinic') });
    const id = data!.postRequest.id;
    const READ = 'query($id: ID!) { request(id: $id) { id title } }';

    await waitFor(async () => (await graphql<{ request: unknown }>(ana, READ, { id })).data?.request, { description: 'the read model', timeoutMs: 30_000 });
    const fromOtherPod = await graphql<{ request: unknown }>(await tokenFor('person-bo', podB), READ, { id });
    expect(fromOtherPod.data?.request).toBeNull();

    // The runtime role itself, with no pod set, sees no rows at all: RLS is forced on the read model.
    const client = new Client({ connectionString: sut.db.appUrl });
    await client.connect();
    try {
      expect((await client.query('select count(*)::int as n from request_details')).rows[0].n).toBe(0);
      await client.query('begin');
      await client.query("select set_config('mutuo.pod_id', $1, true)", [podA]);
      expect((await client.query('select count(*)::int as n from request_details')).rows[0].n).toBeGreaterThan(0);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  }, 40_000);

  it('pages open requests newest first with a stable cursor', async () => {
    const carla = await tokenFor('person-carla', podB);
    for (const title of ['First need', 'Second need', 'Third need']) await graphql(carla, POST, { input: input(title) });
    const PAGE = 'query($after: String) { openRequests(first: 2, after: $after) { edges { node { title } } endCursor hasNextPage } }';
    type Page = { openRequests: { edges: { node: { title: string } }[]; endCursor: string; hasNextPage: boolean } };

    const first = await waitFor(
      async () => {
        const page = (await graphql<Page>(carla, PAGE)).data!.openRequests;
        // All three projected: a full first page with more behind it.
        return page.edges.length === 2 && page.hasNextPage ? page : undefined;
      },
      { description: 'the first page', timeoutMs: 30_000 },
    );
    expect(first.edges.map((e) => e.node.title)).toEqual(['Third need', 'Second need']);
    expect(first.hasNextPage).toBe(true);
    const second = (await graphql<Page>(carla, PAGE, { after: first.endCursor })).data!.openRequests;
    expect(second.edges.map((e) => e.node.title)).toEqual(['First need']);
    expect(second.hasNextPage).toBe(false);

    const bad = await graphql(carla, PAGE, { after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  }, 40_000);

  it('refuses invalid input with the field named and stores nothing', async () => {
    const ana = await tokenFor('person-ana', podA);
    const before = await countEvents();
    const { errors } = await graphql(ana, POST, { input: { ...input('x'), language: 'en' } });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TITLE', field: 'title' });
    expect(await countEvents()).toBe(before);
  });

  it('refuses control characters, invisible-only text and malformed cells, naming the field, and stores nothing', async () => {
    const ana = await tokenFor('person-ana', podA);
    const before = await countEvents();
    const refused: [Record<string, unknown>, string, string][] = [
      [{ ...input('a\u0000b title') }, 'INVALID_TEXT', 'input.title'],
      [{ ...input('Bread\u0008 please') }, 'INVALID_TEXT', 'input.title'],
      [{ ...input('\u200B\u200D\u2060\u3164') }, 'INVALID_TITLE', 'title'],
      [{ ...input('Groceries'), description: 'Two bags\u009B31m' }, 'INVALID_TEXT', 'input.description'],
      [{ ...input('Groceries'), location: { cell: 'not-a-cell' } }, 'INVALID_LOCATION', 'location.cell'],
      [{ ...input('Groceries'), location: { cell: 'eycs0a' } }, 'INVALID_LOCATION', 'location.cell'],
    ];
    for (const [bad, code, field] of refused) {
      const { data, errors } = await graphql(ana, POST, { input: bad });
      expect(data ?? null).toBeNull();
      expect(errors?.[0]?.extensions).toEqual({ code, field });
    }
    const offer = await graphql(ana, 'mutation($input: PostOfferInput!) { postOffer(input: $input) { id } }', {
      input: { title: '\u00AD\u200B\u2800', language: 'en', category: 'MEALS' },
    });
    expect(offer.errors?.[0]?.extensions).toEqual({ code: 'INVALID_TITLE', field: 'title' });
    const browse = await graphql(ana, '{ openRequests(filter: { cellPrefix: "eyc!" }) { edges { cursor } } }');
    expect(browse.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.cellPrefix' });
    expect(await countEvents()).toBe(before);

    const stored = await graphql<{ postRequest: { title: string; description: string; locationCell: string } }>(
      ana,
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { title description locationCell } }',
      { input: { ...input('  Cafe\u0301 for two\n'), description: 'Line one\r\nline two', location: { cell: 'EYCS0P' } } },
    );
    expect(stored.data?.postRequest).toEqual({ title: 'Caf\u00E9 for two', description: 'Line one\nline two', locationCell: 'eycs0p' });
  });

  it("holds a partner client's token to its scopes: reading its pod's requests, never posting without requests:write", async () => {
    const partner = (scope: string) =>
      new SignJWT({ client_id: 'hotline', scope, pod: podA, roles: [] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('client:hotline')
        .setIssuer(DEV_JWT_ISSUER)
        .setAudience(DEV_JWT_AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(sut.jwtSecret));
    const readOnly = await partner('requests:read');
    const before = await countEvents();

    const post = await graphql(readOnly, POST, { input: input('Posted by an app') });
    expect(post.errors?.[0]).toMatchObject({
      message: 'This needs the scope requests:write, which your token was not granted',
      extensions: { code: 'INSUFFICIENT_SCOPE' },
    });
    expect(await countEvents()).toBe(before);
    expect((await graphql(await partner('members:read'), '{ openRequests { edges { cursor } } }')).errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_SCOPE');
    const read = await graphql<{ openRequests: { edges: unknown[] } }>(readOnly, '{ openRequests { edges { cursor } } }');
    expect(read.errors).toBeUndefined();
    expect(read.data!.openRequests.edges.length).toBeGreaterThan(0);
  });

  async function countEvents(): Promise<number> {
    const client = new Client({ connectionString: sut.db.adminUrl });
    await client.connect();
    try {
      return (await client.query('select count(*)::int as n from mutuo_events')).rows[0].n;
    } finally {
      await client.end();
    }
  }
});
