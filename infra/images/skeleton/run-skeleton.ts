// The walking skeleton against the images (infra/images/test-images.sh runs it after building them):
//   node -r ./infra/register.js infra/images/skeleton/run-skeleton.ts [image prefix] [tag]   (defaults: localhost/mutuo- :dev)
// A region and a pod are created, two people join, one asks for help, and one query at the gateway brings back the
// request with its requester (membership), its matching status (matching), the requester's notifications
// (notifications) and the pod's accounts (funds). Exits 1 with the containers' last lines when anything fails.
import { mintDevToken } from '@mutuo/platform';
import { waitFor } from '@mutuo/testing';
import { ContainerRegion } from './container-region';

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

async function scenario(region: ContainerRegion): Promise<void> {
  const token = (subject: string, podId: string | undefined, roles: string[]) => mintDevToken({ subject, podId, roles }, region.signing);
  const operator = await token('operator-1', undefined, ['operator']);
  const { createRegion } = await region.data<{ createRegion: { id: string } }>(
    operator,
    'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
    { input: { name: 'Porto', slug: `porto-${region.suffix}` } },
  );
  const { createPod } = await region.data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
    input: { regionId: createRegion.id, name: 'Bonfim', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
  });
  const ana = await token('person-ana', createPod.id, ['member']);
  const bo = await token('person-bo', createPod.id, ['member']);
  await region.data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
  await region.data(bo, 'mutation { joinPod(input: { displayName: "Bo", preferredLanguage: "en" }) { id } }');
  // Matching must have heard of Bo before the request, or Bo cannot be counted as a possible helper.
  await waitFor(
    async () =>
      (await region.data<{ me: { inbox: { notifications: unknown[] } } | null }>(bo, '{ me { inbox { notifications { id } } } }')).me?.inbox.notifications
        .length,
    { description: "Bo's welcome notification", timeoutMs: 30_000, intervalMs: 250 },
  );

  const { postRequest } = await region.data<{ postRequest: { id: string } }>(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
    input: { title: 'Medicação da farmácia', description: 'Tenho febre e não posso sair.', language: 'pt', category: 'MEDICAL', urgency: 'URGENT' },
  });
  const query = `query($id: ID!) {
    request(id: $id) { title requester { displayName inbox { notifications { kind locale text } } } matching { state candidateCount } }
    pod(id: "${createPod.id}") { name accounts { kind unit balanceMinor } }
  }`;
  const answer = await waitFor(
    async () => {
      const result = await region.data<Skeleton>(ana, query, { id: postRequest.id });
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

async function main(): Promise<void> {
  const region = new ContainerRegion(process.argv[2] ?? 'localhost/mutuo-', process.argv[3] ?? ':dev');
  const startedAt = Date.now();
  let failed = false;
  try {
    await region.start();
    const started = Date.now();
    process.stdout.write(`run-skeleton: migrations, 5 services and the gateway up as containers in ${((started - startedAt) / 1000).toFixed(1)} s\n`);
    const unhealthy = await region.unhealthy();
    if (unhealthy.length > 0) throw new Error(`HEALTHCHECK failed in: ${unhealthy.join('; ')}`);
    process.stdout.write(`run-skeleton: HEALTHCHECK passes in all ${region.containers.length} containers\n`);
    await scenario(region);
    process.stdout.write(`run-skeleton: walking skeleton passed through the gateway container in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    failed = true;
    process.stderr.write(`run-skeleton: FAILED: ${error instanceof Error ? error.message : String(error)}\n${await region.logs()}\n`);
  } finally {
    await region.stop();
  }
  process.exit(failed ? 1 : 0);
}

void main();
