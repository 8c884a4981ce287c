import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RegionCreatedV1 } from '@mutuo/contracts';
import { IntegrationEventPublisher, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { requestsService } from '../src/requests.service';

interface Listed {
  id: string;
  title: string;
  precisePoint: { lat: number } | null;
  requester: { id: string } | null;
}

/** Browsing open requests of other pods in the same region (scope REGION), decided by row-level security. */
describe('region browse (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const lisboa = randomUUID();
  const porto = randomUUID();
  const arroios = randomUUID();
  const alfama = randomUUID();
  const ribeira = randomUUID();

  beforeAll(async () => {
    sut = await startServiceUnderTest(requestsService, {
      databasePrefix: 'requests_region',
      appRole: 'mutuo_requests_app',
      env: { REQUEST_EXPIRY_ENABLED: 'false' },
    });
    const producer = await IntegrationEventPublisher.connect(sut.natsPrefix, 'test-region-browse');
    try {
      await producer.publish(RegionCreatedV1, null, `region:-:${lisboa}`, { regionId: lisboa, name: 'Lisboa', slug: 'lisboa-browse' });
      await producer.publish(RegionCreatedV1, null, `region:-:${porto}`, { regionId: porto, name: 'Porto', slug: 'porto-browse' });
      for (const [podId, regionId, name] of [
        [arroios, lisboa, 'Arroios'],
        [alfama, lisboa, 'Alfama'],
        [ribeira, porto, 'Ribeira'],
      ] as const) {
        await producer.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, { podId, regionId, name, languages: ['pt'], timezone: 'Europe/Lisbon' });
      }
    } finally {
      await producer.close();
    }
    await waitFor(
      async () => (await queryDatabase<{ n: number }>(sut.db.adminUrl, 'select count(*)::int as n from pod_facts where region_id is not null'))[0]!.n === 3,
      {
        description: 'requests to know the three pods and their regions',
        timeoutMs: 30_000,
      },
    );
  }, 90_000);
  afterAll(() => sut?.stop(), 30_000);

  const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }';
  const BROWSE = 'query($scope: BrowseScope) { openRequests(first: 50, scope: $scope) { edges { node { id title precisePoint { lat } requester { id } } } } }';
  const ONE = 'query($id: ID!) { request(id: $id) { id title precisePoint { lat } requester { id } } }';

  async function post(token: string, input: Record<string, unknown>): Promise<string> {
    const result = await sut.graphql<{ postRequest: { id: string } }>(token, POST, { input: { language: 'pt', category: 'ERRANDS', ...input } });
    expect(result.errors).toBeUndefined();
    return result.data!.postRequest.id;
  }

  async function browse(token: string, scope: 'POD' | 'REGION'): Promise<Listed[]> {
    const result = await sut.graphql<{ openRequests: { edges: { node: Listed }[] } }>(token, BROWSE, { scope });
    expect(result.errors).toBeUndefined();
    return result.data!.openRequests.edges.map((edge) => edge.node);
  }

  it('shows region-visible open requests of pod A to pod B of the same region with scope REGION, and nothing else', async () => {
    const ana = await sut.token('person-ana', arroios, ['member']);
    const regionOne = await post(ana, {
      title: 'Shopping for my mother',
      visibility: 'REGION',
      location: { point: { lat: 38.72, lon: -9.14 }, sharePrecisePoint: true },
    });
    const podOnly = await post(ana, { title: 'Only my pod may see this', visibility: 'POD' });
    const anonymousOne = await post(ana, { title: 'Quiet help, please', visibility: 'PUBLIC', anonymous: true });
    await waitFor(async () => (await browse(ana, 'POD')).length === 3, { description: 'the read model', timeoutMs: 30_000 });

    const bruno = await sut.token('person-bruno', alfama, ['member', 'coordinator']);
    expect(await browse(bruno, 'POD')).toEqual([]);
    const inRegion = await browse(bruno, 'REGION');
    expect(inRegion.map((request) => request.id).sort()).toEqual([regionOne, anonymousOne].sort());
    expect(inRegion.map((request) => request.id)).not.toContain(podOnly);
    const region = inRegion.find((request) => request.id === regionOne)!;
    expect(region.requester).not.toBeNull();
    expect(region.precisePoint).toBeNull();
    // Anonymous stays anonymous outside the pod, even for another pod's coordinator.
    expect(inRegion.find((request) => request.id === anonymousOne)!.requester).toBeNull();

    expect((await sut.graphql<{ request: Listed | null }>(bruno, ONE, { id: regionOne })).data!.request).toMatchObject({ id: regionOne, precisePoint: null });
    expect((await sut.graphql<{ request: Listed | null }>(bruno, ONE, { id: podOnly })).data!.request).toBeNull();
    // The requester's own pod still sees the precise point it opted into.
    expect((await sut.graphql<{ request: Listed | null }>(ana, ONE, { id: regionOne })).data!.request!.precisePoint).toEqual({ lat: 38.72 });

    const carla = await sut.token('person-carla', ribeira, ['member']);
    expect(await browse(carla, 'REGION')).toEqual([]);
    expect((await sut.graphql<{ request: Listed | null }>(carla, ONE, { id: regionOne })).data!.request).toBeNull();
  }, 60_000);

  it('shows region-visible open offers to another pod of the region with scope REGION, pod-visible ones to nobody outside', async () => {
    const OFFER = 'mutation($input: PostOfferInput!) { postOffer(input: $input) { id } }';
    const OFFERS = 'query($scope: BrowseScope) { openOffers(first: 50, scope: $scope) { edges { node { id } } } }';
    const dora = await sut.token('person-dora', arroios, ['member']);
    const shared = await sut.graphql<{ postOffer: { id: string } }>(dora, OFFER, {
      input: { title: 'Rides to the clinic', language: 'pt', category: 'TRANSPORT', visibility: 'REGION' },
    });
    const kept = await sut.graphql<{ postOffer: { id: string } }>(dora, OFFER, {
      input: { title: 'Soup on Sundays', language: 'pt', category: 'MEALS', visibility: 'POD' },
    });
    expect(shared.errors ?? kept.errors).toBeUndefined();
    const offersFor = async (token: string, scope: 'POD' | 'REGION') =>
      ((await sut.graphql<{ openOffers: { edges: { node: { id: string } }[] } }>(token, OFFERS, { scope })).data?.openOffers.edges ?? []).map(
        (edge) => edge.node.id,
      );
    await waitFor(async () => (await offersFor(dora, 'POD')).length === 2, { description: 'the offer board', timeoutMs: 30_000 });
    const bruno = await sut.token('person-bruno', alfama, ['member']);
    expect(await offersFor(bruno, 'POD')).toEqual([]);
    expect(await offersFor(bruno, 'REGION')).toEqual([shared.data!.postOffer.id]);
    expect(await offersFor(await sut.token('person-carla', ribeira, ['member']), 'REGION')).toEqual([]);
  }, 60_000);
});
