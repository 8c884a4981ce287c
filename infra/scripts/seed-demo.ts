/**
 * Demo data through the gateway, as a partner app would write it: one region, two pods, a few members and
 * requests. Run by `npm run up`; running it again finds the region, leaves the data as it is and only signs the
 * demo members in again, for fresh tokens.
 *
 * Every token comes from real sign-in with one-time codes, as in production: the operator's address is listed in
 * MEMBERSHIP_OPERATOR_EMAILS (`npm run up` sets DEMO_OPERATOR_EMAIL for development), each member signs in as a
 * newcomer, joins a pod, switches into it and verifies their e-mail address. The seed reads the codes the way the
 * notifications service does: from the published `membership.sign-in-code-requested.v1` events, opened with the
 * shared delivery key (on a development machine the published development key, unless MEMBERSHIP_CODE_DELIVERY_KEY
 * is set).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { codeDeliveryKeyFrom, DEV_CODE_DELIVERY_KEY, openSignInCodeDelivery, SignInCodeRequestedV1 } from '@mutuo/contracts';
import { eventTypeFilter, parseCloudEvent } from '@mutuo/messaging';

const GATEWAY_URL = process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const NATS_PREFIX = process.env.NATS_PREFIX ?? 'mutuo';
// Must be listed in membership's MEMBERSHIP_OPERATOR_EMAILS.
const OPERATOR_EMAIL = process.env.DEMO_OPERATOR_EMAIL ?? 'operator@lisbon.example.org';
const deliveryKey = codeDeliveryKeyFrom(process.env.MEMBERSHIP_CODE_DELIVERY_KEY || DEV_CODE_DELIVERY_KEY);

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function graphql<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await fetch(GATEWAY_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
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

interface DemoMember {
  person: string;
  displayName: string;
  preferredLanguage: string;
  email: string;
}

const PODS: { name: string; languages: string[]; timezone: string; members: DemoMember[]; requests: { person: string; input: Record<string, unknown> }[] }[] = [
  {
    name: 'Arroios',
    languages: ['pt', 'en'],
    timezone: 'Europe/Lisbon',
    members: [
      { person: 'demo-ana', displayName: 'Ana', preferredLanguage: 'pt', email: 'ana@arroios.example.org' },
      { person: 'demo-bruno', displayName: 'Bruno', preferredLanguage: 'pt', email: 'bruno@arroios.example.org' },
      { person: 'demo-carla', displayName: 'Carla', preferredLanguage: 'en', email: 'carla@arroios.example.org' },
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
      { person: 'demo-dev', displayName: 'Dev', preferredLanguage: 'en', email: 'dev@alvalade.example.org' },
      { person: 'demo-eva', displayName: 'Eva', preferredLanguage: 'es', email: 'eva@alvalade.example.org' },
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

/** Codes as the notifications service will receive them. Subscribed before any code is asked for. */
class CodeInbox {
  private readonly codes: { to: string; code: string }[] = [];

  private constructor(private readonly nats: NatsConnection) {
    const subscription = nats.subscribe(eventTypeFilter(NATS_PREFIX, SignInCodeRequestedV1.type));
    void (async () => {
      for await (const message of subscription) {
        const parsed = parseCloudEvent(message.data);
        if (parsed.ok) this.codes.push(openSignInCodeDelivery(deliveryKey, SignInCodeRequestedV1.assert(parsed.event.data)));
      }
    })();
  }

  static async open(): Promise<CodeInbox> {
    return new CodeInbox(await connect({ servers: NATS_URL, name: 'mutuo-demo-seed' }));
  }

  /** Runs `request` and waits for the code it makes membership send to `address`. */
  async codeFrom(address: string, request: () => Promise<unknown>, timeoutMs = 15_000): Promise<string> {
    const since = this.codes.length;
    await request();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const delivered = this.codes.slice(since).find((delivery) => delivery.to === address);
      if (delivered) return delivered.code;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no code reached ${address} within ${timeoutMs / 1000} s (is NATS_URL/NATS_PREFIX the platform's?)`);
  }

  close(): Promise<void> {
    return this.nats.close();
  }
}

interface SignedIn {
  podId: string | null;
  token: string;
  refreshToken: string;
  expiresAt: string;
}

/** Signs in with a code; retried until `accept` takes the session (the read models follow joins a moment later). */
async function signIn(inbox: CodeInbox, email: string, who: string, accept: (session: SignedIn) => boolean = () => true): Promise<SignedIn> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const code = await inbox.codeFrom(
        email,
        async () =>
          dataOrThrow(
            await graphql(null, 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { expiresAt } }', { email }),
            `${who} asks for a sign-in code`,
          ),
        4_000,
      );
      const { signIn: session } = dataOrThrow(
        await graphql<{ signIn: { accessToken: string; refreshToken: string; expiresAt: string; podId: string | null } }>(
          null,
          'mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { accessToken refreshToken expiresAt podId } }',
          { email, code },
        ),
        `${who} signs in`,
      );
      const signedIn = { podId: session.podId, token: session.accessToken, refreshToken: session.refreshToken, expiresAt: session.expiresAt };
      if (accept(signedIn)) return signedIn;
      throw new Error(`${who}'s session is not ready yet`);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** A token in the pod just joined: membership learns of the membership through a projection, a moment later. */
async function switchInto(newcomerToken: string, podId: string, who: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const switched = await graphql<{ switchPod: { accessToken: string } }>(
      newcomerToken,
      'mutation($podId: ID!) { switchPod(podId: $podId) { accessToken } }',
      {
        podId,
      },
    );
    if (switched.data?.switchPod) return switched.data.switchPod.accessToken;
    if (Date.now() > deadline) dataOrThrow(switched, `${who} switches into the pod`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function createDemoData(inbox: CodeInbox, operator: string, regionId: string): Promise<void> {
  for (const pod of PODS) {
    const created = dataOrThrow(
      await graphql<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId, name: pod.name, languages: pod.languages, timezone: pod.timezone },
      }),
      `create pod ${pod.name}`,
    );
    const podId = created.createPod.id;
    for (const member of pod.members) {
      // A newcomer: signed in with a code, in no pod yet.
      const newcomer = await signIn(inbox, member.email, member.displayName);
      dataOrThrow(
        await graphql(newcomer.token, 'mutation($input: JoinPodInput!) { joinPod(input: $input) { id } }', {
          input: { podId, displayName: member.displayName, preferredLanguage: member.preferredLanguage },
        }),
        `${member.displayName} joins ${pod.name}`,
      );
      const token = await switchInto(newcomer.token, podId, member.displayName);
      const added = dataOrThrow(
        await graphql<{ addContactChannel: { contactChannels: { id: string }[] } }>(
          token,
          'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id } } }',
          { value: member.email },
        ),
        `${member.displayName} adds an e-mail address`,
      );
      const channelId = added.addContactChannel.contactChannels[0]!.id;
      const code = await inbox.codeFrom(member.email, async () =>
        dataOrThrow(
          await graphql(token, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { expiresAt } }', { id: channelId }),
          `${member.displayName} asks to verify the address`,
        ),
      );
      dataOrThrow(
        await graphql(token, 'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { id } }', {
          id: channelId,
          code,
        }),
        `${member.displayName} verifies the address`,
      );
    }
    console.log(`demo data: pod ${pod.name} with ${pod.members.length} members`);
  }
}

async function main(): Promise<void> {
  const inbox = await CodeInbox.open();
  try {
    const operator = (await signIn(inbox, OPERATOR_EMAIL, 'The operator')).token;
    const region = await graphql<{ createRegion: { id: string } }>(operator, 'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }', {
      input: { name: 'Lisbon', slug: 'lisbon' },
    });
    const fresh = !region.errors?.some((error) => error.extensions?.code === 'REGION_EXISTS');
    if (fresh) await createDemoData(inbox, operator, dataOrThrow(region, 'create region').createRegion.id);
    else console.log('demo data: already loaded; signing the demo members in again');

    const sessions: Record<string, SignedIn> = {};
    // Signed in again once their pod is known to sign-in, so each session starts in the member's pod.
    for (const member of PODS.flatMap((pod) => pod.members)) {
      sessions[member.person] = await signIn(inbox, member.email, member.displayName, (session) => session.podId !== null);
    }
    if (fresh) {
      for (const request of PODS.flatMap((pod) => pod.requests)) {
        dataOrThrow(
          await graphql(sessions[request.person]!.token, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', { input: request.input }),
          `request "${String(request.input.title)}"`,
        );
      }
      console.log(`demo data: ${PODS.flatMap((pod) => pod.requests).length} request(s), posted by signed-in members`);
    }

    const stateDir = join(__dirname, '..', '..', '.state');
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, 'demo-tokens.json'), JSON.stringify(sessions, null, 2));
  } finally {
    await inbox.close();
  }
}

main().catch((error: unknown) => {
  console.error(`demo data failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
