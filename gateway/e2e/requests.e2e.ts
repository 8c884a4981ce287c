import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Needs, offers and community fridges through the gateway, every service a real process: posting and browsing with
 * filters and cursors, an anonymous request, a stale edit refused, and a fridge page anyone can use without an account.
 */
describe('requests through the gateway', () => {
  const platform = new PlatformHarness();
  const { graphql, data } = platform;
  const podId = randomUUID();

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id version status urgency locationCell requester { id } } }';
  type Posted = { postRequest: { id: string; version: number; status: string; urgency: string; locationCell: string; requester: { id: string } | null } };
  const need = (title: string, category: string, point: { lat: number; lon: number }) => ({
    title,
    description: 'Two bags from the market',
    language: 'pt',
    category,
    location: { point },
  });

  it('posts needs and browses the open ones by category and area, page by page', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const bo = await platform.token('person-bo', podId, ['member']);
    const lisbon = { lat: 38.7223, lon: -9.1393 };
    const porto = { lat: 41.1496, lon: -8.611 };
    const first = await data<Posted>(ana, POST, { input: need('Groceries for Friday', 'GROCERIES', lisbon) });
    expect(first.postRequest).toMatchObject({ status: 'OPEN', urgency: 'NORMAL', locationCell: 'eycs21', requester: { id: memberIdFor(podId, 'person-ana') } });
    await data<Posted>(ana, POST, { input: need('Groceries for Sunday', 'GROCERIES', lisbon) });
    await data<Posted>(ana, POST, { input: need('A lift to the station', 'TRANSPORT', lisbon) });
    await data<Posted>(ana, POST, { input: need('Groceries in Porto', 'GROCERIES', porto) });

    const BROWSE = `query($after: String) { openRequests(first: 1, after: $after, filter: { category: GROCERIES, cellPrefix: "eycs" }) { edges { node { title } } endCursor hasNextPage } }`;
    type Page = { openRequests: { edges: { node: { title: string } }[]; endCursor: string; hasNextPage: boolean } };
    const page1 = await waitFor(
      async () => {
        const page = (await data<Page>(bo, BROWSE)).openRequests;
        return page.edges.length === 1 && page.hasNextPage ? page : undefined;
      },
      { description: 'the open requests read model', timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(page1.edges[0]!.node.title).toBe('Groceries for Sunday');
    const page2 = (await data<Page>(bo, BROWSE, { after: page1.endCursor })).openRequests;
    expect(page2).toMatchObject({ edges: [{ node: { title: 'Groceries for Friday' } }], hasNextPage: false });
  }, 60_000);

  /**
   * The gateway runs the mutation to the end before it answers; the client drops the connection as soon as the answer
   * starts, so the request exists but the client never learns its id (a transport error on the way back).
   */
  const postAndLoseTheResponse = (token: string, variables: Record<string, unknown>) =>
    new Promise<void>((resolve, reject) => {
      const call = request(platform.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
      call.on('response', (response) => {
        response.destroy();
        call.destroy();
        resolve();
      });
      call.on('error', reject);
      call.end(JSON.stringify({ query: POST, variables }));
    });

  it('gives a client that retries after losing the response the request it created, not a second one', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const input = { ...need('Soup for a neighbour after surgery', 'MEALS', { lat: 38.72, lon: -9.14 }), idempotencyKey: `post-${randomUUID()}` };
    await postAndLoseTheResponse(ana, { input });
    const retried = (await data<Posted>(ana, POST, { input })).postRequest;
    const again = (await data<Posted>(ana, POST, { input })).postRequest;
    expect(again.id).toBe(retried.id);

    const MINE = 'query { openRequests(first: 100, filter: { category: MEALS }) { edges { node { id title } } } }';
    type Mine = { openRequests: { edges: { node: { id: string; title: string } }[] } };
    const posted = await waitFor(
      async () => {
        const edges = (await data<Mine>(ana, MINE)).openRequests.edges.filter((edge) => edge.node.title === input.title);
        return edges.length > 0 ? edges : undefined;
      },
      { description: 'the request in the open requests', timeoutMs: 20_000 },
    );
    expect(posted.map((edge) => edge.node.id)).toEqual([retried.id]);

    const reused = await graphql(ana, POST, { input: { ...input, title: 'Something else entirely' } });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
  }, 60_000);

  it('refuses a title with a NUL byte or nothing visible and a cell that is no geohash, naming the field, and posts nothing', async () => {
    const dee = await platform.token('person-dee', podId, ['member']);
    const lisbon = { lat: 38.7223, lon: -9.1393 };
    const refused: [Record<string, unknown>, string, string][] = [
      [need('a\u0000b', 'FOOD', lisbon), 'INVALID_TEXT', 'input.title'],
      [need('\u200B\u2060\u3164', 'FOOD', lisbon), 'INVALID_TITLE', 'title'],
      [{ ...need('Soup for two', 'FOOD', lisbon), location: { cell: 'not-a-cell' } }, 'INVALID_LOCATION', 'location.cell'],
    ];
    for (const [input, code, field] of refused) {
      const result = await graphql(dee, POST, { input });
      expect(result.status).toBe(200);
      expect(result.errors?.[0]?.extensions).toEqual({ code, field });
    }
    const MINE = '{ openRequests(first: 50) { edges { node { requester { id } } } } }';
    const board = await data<{ openRequests: { edges: { node: { requester: { id: string } | null } }[] } }>(dee, MINE);
    expect(board.openRequests.edges.filter((edge) => edge.node.requester?.id === memberIdFor(podId, 'person-dee'))).toEqual([]);
  }, 60_000);

  it('keeps an anonymous requester hidden from members but not from coordinators', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const { postRequest } = await data<Posted>(ana, POST, { input: { ...need('Medication pickup', 'MEDICAL', { lat: 38.72, lon: -9.14 }), anonymous: true } });
    const READ = 'query($id: ID!) { request(id: $id) { id requester { id } } }';
    const bo = await platform.token('person-bo', podId, ['member']);
    const cora = await platform.token('person-cora', podId, ['member', 'coordinator']);
    await waitFor(async () => (await data<{ request: unknown }>(bo, READ, { id: postRequest.id })).request, { description: 'the request', timeoutMs: 20_000 });
    expect((await data<{ request: { requester: unknown } }>(bo, READ, { id: postRequest.id })).request.requester).toBeNull();
    expect((await data<{ request: { requester: { id: string } } }>(cora, READ, { id: postRequest.id })).request.requester).toEqual({
      id: memberIdFor(podId, 'person-ana'),
    });
  }, 60_000);

  it('keeps pod-visible requests out of the region browse of another pod (no region known here: only its own pod)', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const { postRequest } = await data<Posted>(ana, POST, {
      input: { ...need('Help with the stairs', 'ERRANDS', { lat: 38.72, lon: -9.14 }), visibility: 'POD' },
    });
    const BROWSE = 'query { openRequests(first: 100, scope: REGION) { edges { node { id } } } }';
    type Browse = { openRequests: { edges: { node: { id: string } }[] } };
    await waitFor(async () => (await data<Browse>(ana, BROWSE)).openRequests.edges.some((edge) => edge.node.id === postRequest.id), {
      description: 'the request in its own pod with scope REGION',
      timeoutMs: 20_000,
    });
    const elsewhere = await platform.token('person-eli', randomUUID(), ['member']);
    expect((await data<Browse>(elsewhere, BROWSE)).openRequests.edges).toEqual([]);
  }, 60_000);

  it('lets one of two edits made on the same version win and tells the other to reload', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const { postRequest } = await data<Posted>(ana, POST, { input: need('Help with forms', 'SKILLS', { lat: 38.72, lon: -9.14 }) });
    const EDIT = 'mutation($input: EditRequestInput!) { editRequest(input: $input) { version title } }';
    const first = await graphql(ana, EDIT, { input: { requestId: postRequest.id, expectedVersion: postRequest.version, title: 'Help with tax forms' } });
    expect(first.errors).toBeUndefined();
    const stale = await graphql(ana, EDIT, { input: { requestId: postRequest.id, expectedVersion: postRequest.version, title: 'Help with other forms' } });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'VERSION_CONFLICT', field: 'expectedVersion' });
  }, 30_000);

  it('opens a fridge page and its updates to anyone with the link, and nothing else without a token', async () => {
    const cora = await platform.token('person-cora', podId, ['member', 'coordinator']);
    const { registerSharedResource } = await data<{ registerSharedResource: { publicToken: string } }>(
      cora,
      'mutation($input: RegisterSharedResourceInput!) { registerSharedResource(input: $input) { publicToken } }',
      {
        input: {
          kind: 'FRIDGE',
          name: 'Fridge by the school',
          location: { lat: 38.72, lon: -9.14 },
          openingHours: [{ byDay: 'SA', opensAt: '09:00', closesAt: '18:00' }],
        },
      },
    );
    const token = registerSharedResource.publicToken;
    const PAGE = 'query($token: String!) { publicSharedResource(token: $token) { name stock { itemCategory amount } } }';
    await waitFor(async () => (await graphql<{ publicSharedResource: unknown }>(null, PAGE, { token })).data?.publicSharedResource, {
      description: 'the public page',
      timeoutMs: 20_000,
    });

    const left = await graphql(null, 'mutation($input: SharedResourceEntryInput!) { recordSharedResourceEntry(input: $input) { name } }', {
      input: { token, direction: 'LEFT', itemCategory: 'PREPARED_MEALS', amount: 6 },
    });
    expect(left.errors).toBeUndefined();
    const absurd = await graphql(null, 'mutation($input: SharedResourceEntryInput!) { recordSharedResourceEntry(input: $input) { name } }', {
      input: { token, direction: 'TOOK', itemCategory: 'PREPARED_MEALS', amount: 900 },
    });
    expect(absurd.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_AMOUNT', field: 'amount' });
    const page = await waitFor(
      async () => {
        const result = await graphql<{ publicSharedResource: { stock: { amount: number }[] } }>(null, PAGE, { token });
        return result.data?.publicSharedResource.stock.length ? result.data.publicSharedResource : undefined;
      },
      { description: 'the stock', timeoutMs: 20_000 },
    );
    expect(page).toEqual({ name: 'Fridge by the school', stock: [{ itemCategory: 'PREPARED_MEALS', amount: 6 }] });

    // Mixing the open field with anything else, or any other query, still needs a token.
    const mixed = await graphql(
      null,
      `
        query ($token: String!) {
          publicSharedResource(token: $token) {
            name
          }
          openRequests {
            hasNextPage
          }
        }
      `,
      { token },
    );
    expect(mixed.status).toBe(401);
  }, 60_000);
});
