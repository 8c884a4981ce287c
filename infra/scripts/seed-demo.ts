/**
 * Demo data through the gateway, as a partner app would write it: one region, two pods, a few members and
 * requests. Run by `npm run up`; running it again finds the region and leaves everything as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mintDevToken } from '@mutuo/platform';

const GATEWAY_URL = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql';
const signing = { secret: process.env.JWT_SECRET };

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await fetch(GATEWAY_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

function dataOrThrow<T>(result: GraphQLResponse<T>, what: string): T {
  if (result.errors?.length || !result.data) {
    throw new Error(`${what}: ${result.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
  }
  return result.data;
}

const PODS = [
  {
    name: 'Arroios',
    languages: ['pt', 'en'],
    timezone: 'Europe/Lisbon',
    members: [
      { person: 'demo-ana', displayName: 'Ana', preferredLanguage: 'pt' },
      { person: 'demo-bruno', displayName: 'Bruno', preferredLanguage: 'pt' },
      { person: 'demo-carla', displayName: 'Carla', preferredLanguage: 'en' },
    ],
    requests: [
      {
        person: 'demo-ana',
        input: {
          title: 'Compras para esta semana',
          description: 'Parti o tornozelo e não consigo carregar sacos.',
          language: 'pt',
          category: 'GROCERIES',
          urgency: 'URGENT',
        },
      },
    ],
  },
  {
    name: 'Alvalade',
    languages: ['pt', 'es', 'en'],
    timezone: 'Europe/Lisbon',
    members: [
      { person: 'demo-dev', displayName: 'Dev', preferredLanguage: 'en' },
      { person: 'demo-eva', displayName: 'Eva', preferredLanguage: 'es' },
    ],
    requests: [
      {
        person: 'demo-eva',
        input: {
          title: 'Viaje a la clínica el jueves',
          description: 'Cita a las 10:00, vuelvo sobre las 12:00.',
          language: 'es',
          category: 'TRANSPORT',
          urgency: 'NORMAL',
        },
      },
    ],
  },
];

async function main(): Promise<void> {
  const operator = await mintDevToken({ subject: 'demo-operator', roles: ['operator'], ttl: '12h' }, signing);
  const region = await graphql<{ createRegion: { id: string } }>(
    operator,
    'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
    { input: { name: 'Lisbon', slug: 'lisbon' } },
  );
  if (region.errors?.some((error) => error.extensions?.code === 'REGION_EXISTS')) {
    console.log('demo data: already loaded');
    return;
  }
  const regionId = dataOrThrow(region, 'create region').createRegion.id;
  const tokens: Record<string, { podId: string; token: string }> = {};

  for (const pod of PODS) {
    const created = dataOrThrow(
      await graphql<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId, name: pod.name, languages: pod.languages, timezone: pod.timezone },
      }),
      `create pod ${pod.name}`,
    );
    const podId = created.createPod.id;
    for (const member of pod.members) {
      const token = await mintDevToken({ subject: member.person, podId, regionId: 'lisbon', roles: ['member'], ttl: '12h' }, signing);
      tokens[member.person] = { podId, token };
      dataOrThrow(
        await graphql(token, 'mutation($input: JoinPodInput!) { joinPod(input: $input) { id } }', {
          input: { displayName: member.displayName, preferredLanguage: member.preferredLanguage },
        }),
        `${member.displayName} joins ${pod.name}`,
      );
    }
    for (const request of pod.requests) {
      dataOrThrow(
        await graphql(tokens[request.person]!.token, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: request.input,
        }),
        `request "${request.input.title}"`,
      );
    }
    console.log(`demo data: pod ${pod.name} with ${pod.members.length} members and ${pod.requests.length} request(s)`);
  }

  const stateDir = join(__dirname, '..', '..', '.state');
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, 'demo-tokens.json'), JSON.stringify(tokens, null, 2));
}

main().catch((error: unknown) => {
  console.error(`demo data failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
