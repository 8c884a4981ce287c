import type { RunningService } from '@mutuo/service-kit';
import { SignedInPlatform } from './support/signed-in-platform';

const ADD_CHANNEL =
  'mutation($kind: ContactChannelKind!, $value: String!) { addContactChannel(input: { kind: $kind, value: $value }) { contactChannels { id value } } }';
const REQUEST = 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }';
const VERIFY =
  'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { contactChannels { id kind verification } } }';

describe('phone verification by SMS code (real PostgreSQL and NATS)', () => {
  // Small budgets, so the limits show in a few requests: 3 codes per number (whoever asks), 4 per member.
  const platform = new SignedInPlatform({ MEMBERSHIP_SMS_MAX_CODES_PER_NUMBER: '3', MEMBERSHIP_VERIFICATION_MAX_CODES_PER_MEMBER: '4' });
  let membership: RunningService;
  let podId: string;
  const RUIS_PHONE = '+351912345678';

  const asMember = (person: string) => platform.devToken(person, ['member'], podId);
  const graphql = (token: string, query: string, variables: Record<string, unknown>) => platform.graphql(membership, token, query, variables);
  const ok = <T>(token: string, query: string, variables: Record<string, unknown> = {}) => platform.ok<T>(membership, token, query, variables);

  async function joinWithChannel(person: string, kind: string, value: string): Promise<{ token: string; channelId: string }> {
    const token = await asMember(person);
    await ok(token, 'mutation($name: String!) { joinPod(input: { displayName: $name, preferredLanguage: "pt" }) { id } }', { name: person });
    return { token, channelId: await addChannel(token, kind, value) };
  }

  async function addChannel(token: string, kind: string, value: string): Promise<string> {
    const added = await ok<{ addContactChannel: { contactChannels: { id: string; value: string }[] } }>(token, ADD_CHANNEL, { kind, value });
    return added.addContactChannel.contactChannels.at(-1)!.id;
  }

  beforeAll(async () => {
    await platform.start();
    membership = platform.membership;
    const operator = await platform.devToken('person-operator', ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Porto", slug: $slug }) { id } }',
      {
        slug: `porto-${platform.prefix.toLowerCase()}`,
      },
    );
    podId = (
      await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Bonfim', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
  }, 120_000);

  afterAll(() => platform.stop(), 60_000);

  it('sends the code for SMS, sealed, and verifies the phone channel with it; a wrong code is refused', async () => {
    const rui = await joinWithChannel('person-rui', 'PHONE', '+351 912 345 678');
    const since = platform.deliveredCount();
    expect(await ok(rui.token, REQUEST, { id: rui.channelId })).toEqual({ requestContactVerification: { codeLength: 6 } });
    const delivery = await platform.codeFor(RUIS_PHONE, since);
    expect(delivery.event).toMatchObject({ purpose: 'contact-verification', channel: 'sms', locale: 'pt' });
    // Neither the number nor the code is readable in the published event.
    expect(JSON.stringify(delivery.event)).not.toContain('912345678');
    expect(JSON.stringify(delivery.event)).not.toContain(delivery.code);

    const wrongCode = String((Number(delivery.code) + 1) % 1_000_000).padStart(6, '0');
    expect((await graphql(rui.token, VERIFY, { id: rui.channelId, code: wrongCode })).errors?.[0]?.extensions).toEqual({
      code: 'CODE_INVALID',
      field: 'code',
    });
    const verified = await ok<{ verifyContactChannel: { contactChannels: { id: string; kind: string; verification: string }[] } }>(rui.token, VERIFY, {
      id: rui.channelId,
      code: delivery.code,
    });
    expect(verified.verifyContactChannel.contactChannels).toEqual([{ id: rui.channelId, kind: 'PHONE', verification: 'VERIFIED' }]);
    expect((await graphql(rui.token, REQUEST, { id: rui.channelId })).errors?.[0]?.extensions).toEqual({
      code: 'CHANNEL_ALREADY_VERIFIED',
      field: 'channelId',
    });
  });

  it("answers the same for a number someone else verified, and another member's code never verifies it", async () => {
    const sara = await joinWithChannel('person-sara', 'PHONE', RUIS_PHONE);
    const since = platform.deliveredCount();
    expect(await ok(sara.token, REQUEST, { id: sara.channelId })).toEqual({ requestContactVerification: { codeLength: 6 } });
    const sarasCode = await platform.codeFor(RUIS_PHONE, since);

    // Tomé asks for a code for the same number on his own channel: its code is his alone.
    const tome = await joinWithChannel('person-tome', 'PHONE', RUIS_PHONE);
    const sinceTome = platform.deliveredCount();
    await ok(tome.token, REQUEST, { id: tome.channelId });
    const tomesCode = await platform.codeFor(RUIS_PHONE, sinceTome);
    expect((await graphql(sara.token, VERIFY, { id: sara.channelId, code: tomesCode.code })).errors?.[0]?.extensions?.code).toBe('CODE_INVALID');
    const verified = await ok<{ verifyContactChannel: { contactChannels: { verification: string }[] } }>(sara.token, VERIFY, {
      id: sara.channelId,
      code: sarasCode.code,
    });
    expect(verified.verifyContactChannel.contactChannels).toEqual([expect.objectContaining({ verification: 'VERIFIED' })]);

    // The number has now been sent three codes (Rui's, Sara's, Tomé's): a fourth is refused, whoever asks.
    expect((await graphql(tome.token, REQUEST, { id: tome.channelId })).errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', field: 'channelId' });
  });

  it('limits the codes one member is sent over all their channels, and verifies only e-mail and phone channels', async () => {
    const uma = await joinWithChannel('person-uma', 'PHONE', '+351913000001');
    const channels = [uma.channelId];
    for (const number of ['+351913000002', '+351913000003']) channels.push(await addChannel(uma.token, 'PHONE', number));
    const handle = await addChannel(uma.token, 'MESSAGING', '@uma:matrix.org');
    expect((await graphql(uma.token, REQUEST, { id: handle })).errors?.[0]?.extensions).toEqual({ code: 'CHANNEL_NOT_VERIFIABLE', field: 'channelId' });

    // Four codes over three numbers (none over its number's budget), then the member's budget is spent.
    for (const channelId of [...channels, channels[0]!]) await ok(uma.token, REQUEST, { id: channelId });
    expect((await graphql(uma.token, REQUEST, { id: channels[1]! })).errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', field: 'channelId' });
  });
});
