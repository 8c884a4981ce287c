import { randomUUID } from 'node:crypto';
import { PodCreatedV1, PodSettingsChangedV1, RegionCreatedV1 } from '@mutuo/contracts';
import { IntegrationEventPublisher, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { IP_ENTRY_LIMIT } from '../src/shared-resources/shared-resource.handler';
import { requestsService } from '../src/requests.service';

/** Community fridges without an account, and crisis mode tagging requests by area (real PostgreSQL and NATS). */
describe('fridges and incidents (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const podId = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_fridges',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
  }, 60_000);
  afterAll(() => sut?.stop(), 30_000);

  /** As the gateway forwards an anonymous operation: the gateway secret and the caller's address, no token. */
  async function anonymous<T>(query: string, variables: Record<string, unknown>, ip: string) {
    const response = await fetch(`${sut.service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mutuo-gateway-secret': sut.gatewaySecret, 'x-mutuo-client-ip': ip },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { extensions?: Record<string, unknown> }[] };
  }

  const ENTRY = 'mutation($input: SharedResourceEntryInput!) { recordSharedResourceEntry(input: $input) { name } }';
  const PAGE = 'query($token: String!) { publicSharedResource(token: $token) { name stock { itemCategory amount } lastUpdatedAt publicToken } }';

  it('lets anyone with the link record what they left or took, stores no identity, and limits each address', async () => {
    const cora = await sut.token('person-cora', podId, ['member', 'coordinator']);
    const registered = await sut.graphql<{ registerSharedResource: { publicToken: string } }>(
      cora,
      'mutation($input: RegisterSharedResourceInput!) { registerSharedResource(input: $input) { publicToken } }',
      {
        input: {
          kind: 'FRIDGE',
          name: 'Fridge at the library',
          location: { lat: 38.72, lon: -9.14 },
          openingHours: [{ byDay: 'MO', opensAt: '08:00', closesAt: '20:00' }],
        },
      },
    );
    expect(registered.errors).toBeUndefined();
    const token = registered.data!.registerSharedResource.publicToken;
    // The link works once the read model knows the resource (a moment after registering).
    await waitFor(async () => (await anonymous<{ publicSharedResource: unknown }>(PAGE, { token }, '198.51.100.1')).data?.publicSharedResource, {
      description: 'the public page',
      timeoutMs: 30_000,
    });

    expect((await anonymous(ENTRY, { input: { token, direction: 'LEFT', itemCategory: 'BREAD', amount: 4 } }, '203.0.113.7')).errors).toBeUndefined();
    expect((await anonymous(ENTRY, { input: { token, direction: 'TOOK', itemCategory: 'BREAD', amount: 1 } }, '203.0.113.7')).errors).toBeUndefined();
    const absurd = await anonymous(ENTRY, { input: { token, direction: 'LEFT', itemCategory: 'BREAD', amount: 5000 } }, '203.0.113.7');
    expect(absurd.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_AMOUNT', field: 'amount' });

    const page = await waitFor(
      async () => {
        const result = await anonymous<{ publicSharedResource: { stock: { amount: number }[]; lastUpdatedAt: string | null; publicToken: string | null } }>(
          PAGE,
          { token },
          '198.51.100.1',
        );
        return result.data?.publicSharedResource.stock[0]?.amount === 3 ? result.data.publicSharedResource : undefined;
      },
      { description: 'the stock to be computed', timeoutMs: 30_000 },
    );
    expect(page).toMatchObject({ stock: [{ itemCategory: 'BREAD', amount: 3 }], publicToken: null });
    expect(page.lastUpdatedAt).not.toBeNull();

    const events = await adminQuery<{ metadata: object; data: object }>(`select metadata, data from mutuo_events where type = 'ResourceEntryRecorded'`);
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events)).not.toMatch(/203\.0\.113\.7|person-|member/);

    // The same address keeps trying: past the per-address limit it is refused (the third call above counted too).
    let limited: { extensions?: Record<string, unknown> } | undefined;
    for (let attempt = 0; attempt < IP_ENTRY_LIMIT.entries && !limited; attempt++) {
      limited = (await anonymous(ENTRY, { input: { token, direction: 'LEFT', itemCategory: 'DAIRY', amount: 1 } }, '203.0.113.7')).errors?.[0];
    }
    expect(limited?.extensions).toMatchObject({ code: 'RATE_LIMITED', field: 'token' });
    expect(
      (await anonymous(ENTRY, { input: { token, direction: 'LEFT', itemCategory: 'DAIRY', amount: 1 } }, '192.0.2.44')).errors?.[0]?.extensions?.code,
    ).not.toBe('RATE_LIMITED');
  }, 60_000);

  it('tags new requests inside an open incident area, urgent by default, and summarises them on closing', async () => {
    const cora = await sut.token('person-cora', podId, ['member', 'coordinator']);
    const ana = await sut.token('person-ana', podId, ['member']);
    const area = {
      type: 'Polygon',
      coordinates: [
        [
          [-9.2, 38.7],
          [-9.1, 38.7],
          [-9.1, 38.8],
          [-9.2, 38.8],
          [-9.2, 38.7],
        ],
      ],
    };
    const declared = await sut.graphql<{ declareIncident: { id: string } }>(
      cora,
      'mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id } }',
      {
        input: { name: 'Alcântara flood', type: 'FLOOD', area, startedAt: new Date().toISOString() },
      },
    );
    expect(declared.errors).toBeUndefined();
    const incidentId = declared.data!.declareIncident.id;
    await waitFor(async () => (await adminQuery<{ n: number }>(`select count(*)::int as n from incidents where status = 'open'`))[0]!.n === 1, {
      description: 'the incident read model',
      timeoutMs: 30_000,
    });

    const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id urgency incidentId } }';
    const base = { title: 'Water in the basement', language: 'pt', category: 'HOUSING' };
    const inside = await sut.graphql<{ postRequest: { urgency: string; incidentId: string | null } }>(ana, POST, {
      input: { ...base, location: { point: { lat: 38.75, lon: -9.15 } } },
    });
    const outside = await sut.graphql<{ postRequest: { urgency: string; incidentId: string | null } }>(ana, POST, {
      input: { ...base, location: { point: { lat: 41.15, lon: -8.61 } } },
    });
    expect(inside.data!.postRequest).toMatchObject({ urgency: 'URGENT', incidentId });
    expect(outside.data!.postRequest).toMatchObject({ urgency: 'NORMAL', incidentId: null });

    await waitFor(
      async () => (await adminQuery<{ n: number }>('select count(*)::int as n from request_details where incident_id = $1', [incidentId]))[0]!.n === 1,
      {
        description: 'the tagged request in the read model',
        timeoutMs: 30_000,
      },
    );
    const refused = await sut.graphql(ana, 'mutation($id: ID!) { closeIncident(incidentId: $id) { id } }', { id: incidentId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_ALLOWED' });
    const closed = await sut.graphql<{ closeIncident: { open: boolean; summary: object } }>(
      cora,
      'mutation($id: ID!) { closeIncident(incidentId: $id) { open summary { requestsReceived requestsMatched requestsFulfilled medianMinutesToFirstMatch } } }',
      { id: incidentId },
    );
    expect(closed.data!.closeIncident).toEqual({
      open: false,
      summary: { requestsReceived: 1, requestsMatched: 0, requestsFulfilled: 0, medianMinutesToFirstMatch: null },
    });
  }, 60_000);

  it("lets a steward of the pod's region declare an incident there, uses the pod's region and default visibility", async () => {
    const regionId = randomUUID();
    const otherRegionId = randomUUID();
    const producer = await IntegrationEventPublisher.connect(sut.natsPrefix, 'test-region');
    try {
      await producer.publish(RegionCreatedV1, null, `region:-:${regionId}`, { regionId, name: 'Lisboa', slug: 'lisboa' });
      await producer.publish(RegionCreatedV1, null, `region:-:${otherRegionId}`, { regionId: otherRegionId, name: 'Porto', slug: 'porto' });
      await producer.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, { podId, regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' });
      await producer.publish(PodSettingsChangedV1, podId, `pod:${podId}:${podId}`, {
        podId,
        requestVisibility: 'region',
        escalateToNeighbours: true,
        admissionMode: 'open',
        changedAt: new Date().toISOString(),
      });
    } finally {
      await producer.close();
    }
    await waitFor(
      async () =>
        (await adminQuery<{ n: number }>(`select count(*)::int as n from pod_facts where region_id is not null and request_visibility = 'region'`))[0]!.n === 1,
      {
        description: 'requests to know the pod, its region and its settings',
        timeoutMs: 30_000,
      },
    );

    const DECLARE = 'mutation($input: DeclareIncidentInput!) { declareIncident(input: $input) { id open } }';
    const incident = {
      podId,
      name: 'Heat in Arroios',
      type: 'HEATWAVE',
      area: {
        type: 'Polygon',
        coordinates: [
          [
            [-9.2, 38.7],
            [-9.1, 38.7],
            [-9.1, 38.8],
            [-9.2, 38.7],
          ],
        ],
      },
      startedAt: new Date().toISOString(),
    };
    const fromPorto = await sut.graphql(await sut.token('person-stewie', undefined, ['region-steward'], 'porto'), DECLARE, { input: incident });
    expect(fromPorto.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_ALLOWED', field: 'podId' });
    const fromLisboa = await sut.graphql<{ declareIncident: { open: boolean } }>(
      await sut.token('person-stella', undefined, ['region-steward'], 'lisboa'),
      DECLARE,
      { input: incident },
    );
    expect(fromLisboa.errors).toBeUndefined();
    expect(fromLisboa.data!.declareIncident.open).toBe(true);
    const published = await adminQuery<{ region_id: string }>(
      `select coalesce(publish_data, data)->>'regionId' as region_id from mutuo_events where type = 'IncidentDeclared' and publish_subject is not null and data->>'name' = 'Heat in Arroios'`,
    );
    expect(published).toEqual([{ region_id: regionId }]);

    const posted = await sut.graphql<{ postRequest: { visibility: string } }>(
      await sut.token('person-ana', podId, ['member']),
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { visibility } }',
      {
        input: { title: 'Water for my neighbour', language: 'pt', category: 'ERRANDS' },
      },
    );
    expect(posted.data!.postRequest.visibility).toBe('REGION');
  }, 60_000);

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);
});
