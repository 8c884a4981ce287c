import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { eventStreamName } from '@mutuo/messaging';
import { TEST_NATS_URL, TEST_POSTGRES_URL, waitFor } from '@mutuo/testing';
import { PlatformHarness, SERVICES } from './platform-harness';

/** Distinctive enough that finding them in any database means a copy was kept. */
const NAME = 'Ottilie Brumblewick';
const EMAIL = 'ottilie.brumblewick@example.org';
const PHONE = '+351913572468';
const PERSONAL_STRINGS = [NAME, 'Brumblewick', EMAIL, PHONE];
/** Free text the member wrote: in their request's title and description. */
const REQUEST_TEXT = 'Xylophantine';

type Service = (typeof SERVICES)[number];
/**
 * What this test holds each service's database to after an erasure: no table (events included) may hold these
 * strings. Every service crypto-shreds or blanks its own copies on membership.member-erased.v1 (shared
 * PersonalDataCodec in libs/event-store; funds keeps no personal text in its events).
 */
const FORGOTTEN_AFTER_ERASURE: Readonly<Record<Service, readonly string[]>> = {
  membership: PERSONAL_STRINGS,
  requests: [...PERSONAL_STRINGS, REQUEST_TEXT],
  matching: [...PERSONAL_STRINGS, REQUEST_TEXT],
  funds: PERSONAL_STRINGS,
  notifications: PERSONAL_STRINGS,
};

/**
 * A member's erasure through the gateway: a member with a distinctive name, e-mail and phone joins, verifies their
 * address, posts a request, and later erases their personal data. Then no service's database holds those strings in
 * any table (events included), and the member shows as a former member.
 */
describe('erasing a member across the platform', () => {
  const platform = new PlatformHarness();
  const { data, graphql } = platform;
  let podId: string;

  /** Every row of every table of one service's database as text, searched for the strings (case-insensitively). */
  async function plaintextIn(service: string, strings: readonly string[]): Promise<string[]> {
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/mutuo_e2e_${service}_${platform.suffix}`;
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ name: string }>("select quote_ident(tablename) as name from pg_tables where schemaname = 'public'");
      const found = new Set<string>();
      for (const { name } of tables) {
        const { rows } = await client.query<{ row: string }>(`select t::text as row from ${name} t`);
        for (const row of rows) {
          const text = row.row.toLowerCase();
          for (const needle of strings) if (text.includes(needle.toLowerCase())) found.add(`${service}.${name}: ${needle}`);
        }
      }
      return [...found];
    } finally {
      await client.end();
    }
  }

  /** Every message on every service's JetStream event stream, read directly, as one lowercase text. */
  async function onTheStreams(): Promise<string> {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const texts: string[] = [];
      for (const service of SERVICES) {
        const stream = eventStreamName(platform.natsPrefix, service);
        // A service that never published has no stream yet.
        const state = (await jsm.streams.info(stream).catch(() => null))?.state;
        if (!state) continue;
        for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
          const message = await jsm.streams.getMessage(stream, { seq });
          if (message) texts.push(new TextDecoder().decode(message.data));
        }
      }
      return texts.join('\n').toLowerCase();
    } finally {
      await nc.close();
    }
  }

  beforeAll(async () => {
    await platform.start();
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const region = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Braga", slug: $slug }) { id } }',
      {
        slug: `braga-${platform.suffix}`,
      },
    );
    podId = (
      await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Maximinos', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it("leaves no copy of the member's name, contacts or request text in any service's database, and shows them as a former member", async () => {
    const ottilie = await platform.token('person-ottilie', podId, ['member']);
    const ottilieId = memberIdFor(podId, 'person-ottilie');
    await data(ottilie, 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name: NAME });
    const neighbour = await platform.token('person-neighbour', podId, ['member']);
    await data(neighbour, 'mutation { joinPod(input: { displayName: "Vizinho" }) { id } }');

    const added = await data<{ addContactChannel: { contactChannels: { id: string; value: string }[] } }>(
      ottilie,
      'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id value } } }',
      { value: EMAIL },
    );
    const emailChannel = added.addContactChannel.contactChannels.find((channel) => channel.value === EMAIL)!.id;
    const since = platform.deliveredCodes();
    await data(ottilie, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: emailChannel });
    await data(ottilie, 'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { id } }', {
      id: emailChannel,
      code: await platform.codeFor(EMAIL, since),
    });
    await data(ottilie, 'mutation($value: String!) { addContactChannel(input: { kind: PHONE, value: $value }) { id } }', { value: PHONE });
    const posted = await data<{ postRequest: { id: string; requester: { displayName: string } } }>(
      ottilie,
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { id requester { displayName } } }',
      { input: { title: `Compras ${REQUEST_TEXT}`, description: `Lista ${REQUEST_TEXT} para sábado`, language: 'pt', category: 'GROCERIES' } },
    );
    expect(posted.postRequest.requester.displayName).toBe(NAME);

    // The scan sees personal data where it is kept in the clear, before the erasure: membership's and requests' read models.
    await waitFor(async () => ((await plaintextIn('membership', [NAME, EMAIL, PHONE])).length === 3 ? true : undefined), {
      description: "the member's name and contacts in membership's read models",
      timeoutMs: 20_000,
    });
    await waitFor(async () => ((await plaintextIn('requests', [REQUEST_TEXT])).length > 0 ? true : undefined), {
      description: "the request's text in requests' read models",
      timeoutMs: 20_000,
    });

    // The integration events carried the name and the request's title to their consumers.
    await waitFor(async () => ((await onTheStreams()).includes(REQUEST_TEXT.toLowerCase()) ? true : undefined), {
      description: "the request's title published",
      timeoutMs: 20_000,
    });
    expect(await onTheStreams()).toContain(NAME.toLowerCase());

    const erased = await data<{ eraseMyPersonalData: { memberId: string; requestedBy: string } }>(
      ottilie,
      'mutation { eraseMyPersonalData { memberId requestedBy } }',
    );
    expect(erased.eraseMyPersonalData).toEqual({ memberId: ottilieId, requestedBy: 'MEMBER' });

    const former = await waitFor(
      async () => {
        const { member } = await data<{ member: { displayName: string; status: string } | null }>(
          neighbour,
          'query($id: ID!) { member(id: $id) { displayName status } }',
          {
            id: ottilieId,
          },
        );
        return member?.status === 'FORMER' ? member : undefined;
      },
      { description: 'the member shown as former', timeoutMs: 20_000 },
    );
    expect(former).toEqual({ displayName: 'Former member', status: 'FORMER' });

    // Each service forgets on its own time, after it consumed the erasure.
    const leftovers = async () => (await Promise.all(SERVICES.map((service) => plaintextIn(service, FORGOTTEN_AFTER_ERASURE[service])))).flat();
    await waitFor(async () => ((await leftovers()).length === 0 ? true : undefined), { description: 'no personal data left', timeoutMs: 30_000 }).catch(
      async () => expect(await leftovers()).toEqual([]),
    );

    // Erasure reaches the broker: each service's relay erased the messages that carried the member's data.
    const leftOnBroker = async () => {
      const text = await onTheStreams();
      return [...PERSONAL_STRINGS, REQUEST_TEXT].filter((needle) => text.includes(needle.toLowerCase()));
    };
    await waitFor(async () => ((await leftOnBroker()).length === 0 ? true : undefined), {
      description: 'no personal data left on the JetStream streams',
      timeoutMs: 30_000,
    }).catch(async () => expect(await leftOnBroker()).toEqual([]));

    // After the erasure the person is no member: they cannot act in the pod, nor erase again.
    const again = await graphql(ottilie, 'mutation { eraseMyPersonalData { memberId } }');
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'ALREADY_ERASED', field: 'memberId' });
  });
});
