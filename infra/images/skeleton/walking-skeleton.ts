import { waitFor } from '@mutuo/testing';

/** A gateway the scenario talks to, and tokens as that region's membership would sign them. */
export interface SkeletonGateway {
  /** Makes names (the region's slug) unique to this run. */
  readonly suffix: string;
  token(subject: string, podId: string | undefined, roles: string[]): Promise<string>;
  /** Posts to the gateway; throws with the errors unless the query succeeded. */
  data<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T>;
}

interface Skeleton {
  request: {
    title: string;
    requester: { displayName: string; inbox: { notifications: { kind: string; locale: string; text: string }[] } | null };
    matching: { state: string; candidateCount: number };
  } | null;
  pod: { name: string; accounts: { kind: string; unit: string; balanceMinor: number }[] } | null;
}

function check(condition: boolean, what: string, actual: unknown): void {
  if (!condition) throw new Error(`expected ${what}, got ${JSON.stringify(actual)}`);
}

/**
 * The walking skeleton's core (gateway/e2e/walking-skeleton): a region and a pod are created, two people join, one
 * asks for help, and one query at the gateway brings back the request with its requester (membership), its matching
 * status (matching), the requester's notifications (notifications) and the pod's accounts (funds).
 */
export async function walkingSkeleton(gateway: SkeletonGateway): Promise<void> {
  const operator = await gateway.token('operator-1', undefined, ['operator']);
  const { createRegion } = await gateway.data<{ createRegion: { id: string } }>(
    operator,
    'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
    { input: { name: 'Porto', slug: `porto-${gateway.suffix}` } },
  );
  const { createPod } = await gateway.data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
    input: { regionId: createRegion.id, name: 'Bonfim', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
  });
  const ana = await gateway.token('person-ana', createPod.id, ['member']);
  const bo = await gateway.token('person-bo', createPod.id, ['member']);
  await gateway.data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
  await gateway.data(bo, 'mutation { joinPod(input: { displayName: "Bo", preferredLanguage: "en" }) { id } }');
  // Matching must have heard of Bo before the request, or Bo cannot be counted as a possible helper.
  await waitFor(
    async () =>
      (await gateway.data<{ me: { inbox: { notifications: unknown[] } } | null }>(bo, '{ me { inbox { notifications { id } } } }')).me?.inbox.notifications
        .length,
    { description: "Bo's welcome notification", timeoutMs: 30_000, intervalMs: 250 },
  );

  const { postRequest } = await gateway.data<{ postRequest: { id: string } }>(
    ana,
    'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }',
    { input: { title: 'Medicação da farmácia', description: 'Tenho febre e não posso sair.', language: 'pt', category: 'MEDICAL', urgency: 'URGENT' } },
  );
  const query = `query($id: ID!) {
    request(id: $id) { title requester { displayName inbox { notifications { kind locale text } } } matching { state candidateCount } }
    pod(id: "${createPod.id}") { name accounts { kind unit balanceMinor } }
  }`;
  const answer = await waitFor(
    async () => {
      const result = await gateway.data<Skeleton>(ana, query, { id: postRequest.id });
      const done =
        result.request?.matching.state !== 'PENDING' &&
        result.request?.requester.inbox?.notifications.some((n) => n.kind === 'REQUEST_POSTED') &&
        (result.pod?.accounts.length ?? 0) > 0;
      return done ? result : undefined;
    },
    { description: 'matching, notifications and funds to have handled the events', timeoutMs: 60_000, intervalMs: 250 },
  );
  check(answer.request?.matching.state === 'CANDIDATES_FOUND' && answer.request.matching.candidateCount === 1, 'one candidate found', answer.request?.matching);
  check(answer.request?.requester.displayName === 'Ana', 'Ana as the requester', answer.request?.requester);
  const kinds = answer.request!.requester.inbox!.notifications.map((n) => `${n.kind}/${n.locale}`);
  check(kinds.join(',') === 'REQUEST_POSTED/pt,WELCOME/pt', 'REQUEST_POSTED and WELCOME in Portuguese', kinds);
  check(answer.pod?.accounts[0]?.kind === 'COMMUNITY_TIME_POOL', "the pod's time pool opened by funds", answer.pod);
}

/** `data` for a gateway at `url`. */
export async function gatewayData<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: unknown[] };
  if (result.errors?.length || !result.data) throw new Error(`GraphQL failed (HTTP ${response.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}
