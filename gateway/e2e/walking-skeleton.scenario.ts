import { waitFor } from '@mutuo/testing';
import type { PlatformHarness } from './platform-harness';

/**
 * The walking skeleton, all real: five service processes on their own databases, NATS JetStream and the
 * gateway. A region and a pod are created, people join, one asks for help, and one query at the gateway
 * brings back the request with its member (membership), its matching status (matching) and the member's
 * notifications (notifications), plus the pod's accounts opened by funds.
 *
 * Call it inside a `describe`, with the platform to run it against (from the sources or from the build).
 */
export function walkingSkeletonScenario(platform: PlatformHarness): void {
  const { graphql, data } = platform;

  const token = (subject: string, podId: string | undefined, roles: string[]) => platform.token(subject, podId, roles);

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('turns a request for help into one answer that crosses every service', async () => {
    const operator = await token('operator-1', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string; slug: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id slug } }',
      { input: { name: 'Porto', slug: `porto-${platform.suffix}` } },
    );
    const { createPod } = await data<{ createPod: { id: string; languages: string[] } }>(
      operator,
      'mutation($input: CreatePodInput!) { createPod(input: $input) { id languages } }',
      { input: { regionId: createRegion.id, name: 'Bonfim', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' } },
    );
    const podId = createPod.id;

    const ana = await token('person-ana', podId, ['member']);
    const bo = await token('person-bo', podId, ['member']);
    const joined = await data<{ joinPod: { id: string; preferredLanguage: string } }>(
      ana,
      'mutation { joinPod(input: { displayName: "Ana" }) { id preferredLanguage } }',
    );
    expect(joined.joinPod.preferredLanguage).toBe('pt');
    await data(bo, 'mutation { joinPod(input: { displayName: "Bo", preferredLanguage: "en" }) { id } }');

    // Matching must have heard of Bo before the request, or Bo cannot be counted as a possible helper.
    await waitFor(
      async () =>
        (await data<{ me: { inbox: { notifications: unknown[] } } | null }>(bo, '{ me { inbox { notifications { id } } } }')).me?.inbox.notifications.length,
      { description: "Bo's welcome notification", timeoutMs: 20_000, intervalMs: 200 },
    );

    const { postRequest } = await data<{ postRequest: { id: string; status: string; category: string } }>(
      ana,
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { id status category } }',
      { input: { title: 'Medicação da farmácia', description: 'Tenho febre e não posso sair.', language: 'pt', category: 'MEDICAL', urgency: 'URGENT' } },
    );
    expect(postRequest).toMatchObject({ status: 'OPEN', category: 'MEDICAL' });

    const SKELETON_QUERY = `query($id: ID!) {
      request(id: $id) {
        id title urgency
        requester { id displayName inbox { unreadCount notifications { kind text locale } } }
        matching { state candidateCount evaluatedAt }
      }
      pod(id: "${podId}") { id name accounts { kind unit balanceMinor } }
    }`;
    type Skeleton = {
      request: {
        title: string;
        urgency: string;
        requester: { id: string; displayName: string; inbox: { unreadCount: number; notifications: { kind: string; text: string; locale: string }[] } | null };
        matching: { state: string; candidateCount: number; evaluatedAt: string | null };
      } | null;
      pod: { name: string; accounts: { kind: string; unit: string; balanceMinor: number }[] } | null;
    };
    const answer = await waitFor(
      async () => {
        const result = await data<Skeleton>(ana, SKELETON_QUERY, { id: postRequest.id });
        const request = result.request;
        const done =
          request?.matching.state !== 'PENDING' &&
          request?.requester.inbox?.notifications.some((n) => n.kind === 'REQUEST_POSTED') &&
          (result.pod?.accounts.length ?? 0) > 0;
        return done ? result : undefined;
      },
      { description: 'matching, notifications and funds to have handled the events', timeoutMs: 30_000, intervalMs: 250 },
    );

    expect(answer.request).toMatchObject({
      title: 'Medicação da farmácia',
      urgency: 'URGENT',
      requester: { id: joined.joinPod.id, displayName: 'Ana' },
      matching: { state: 'CANDIDATES_FOUND', candidateCount: 1 },
    });
    expect(answer.request!.requester.inbox!.notifications.map((n) => [n.kind, n.locale])).toEqual([
      ['REQUEST_POSTED', 'pt'],
      ['WELCOME', 'pt'],
    ]);
    expect(answer.request!.requester.inbox!.notifications[0]!.text).toContain('Medicação da farmácia');
    expect(answer.pod).toMatchObject({ name: 'Bonfim', accounts: [{ kind: 'COMMUNITY_TIME_POOL', unit: 'HOUR', balanceMinor: 0 }] });

    // Bo sees the request and who asked, but never Ana's inbox.
    const asBo = await data<Skeleton>(bo, SKELETON_QUERY, { id: postRequest.id });
    expect(asBo.request?.requester).toMatchObject({ displayName: 'Ana', inbox: null });

    // Someone in another pod finds nothing: row-level security scopes every read to the caller's pod.
    const elsewhere = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Campanhã', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const outsider = await token('person-cy', elsewhere.createPod.id, ['member']);
    expect((await data<Skeleton>(outsider, SKELETON_QUERY, { id: postRequest.id })).request).toBeNull();
  });

  it('refuses a caller without a token before any service is asked', async () => {
    const result = await graphql(null, '{ me { id } }');
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('has every service refuse a caller that goes around the gateway, even with a valid token', async () => {
    const member = await token('person-dan', undefined, ['member']);
    for (const [service, url] of Object.entries(platform.serviceUrls)) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${member}` },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect([service, response.status]).toEqual([service, 403]);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('FORBIDDEN');
    }
  });

  it('answers bad input with a clear error naming the field, and stores nothing', async () => {
    const operator = await token('operator-2', undefined, ['operator']);
    const result = await graphql(operator, 'mutation { createRegion(input: { name: "Braga", slug: "Not A Slug" }) { id } }');
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'INVALID_SLUG', field: 'slug' } });
    expect(JSON.stringify(result.errors)).not.toMatch(/at .*\.ts:\d+/);
  });
}
