import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { MatchMadeV1, MatchWithdrawnV1, memberIdFor, type AnyIntegrationEventContract } from '@mutuo/contracts';
import { createOutboxMapper } from '@mutuo/messaging';
import { natsTestPrefix, startServiceUnderTest, waitFor, TEST_NATS_URL, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

const MEMBER = 'query($id: ID!) { member(id: $id) { id displayName contactChannels { kind value } } }';

/**
 * Contact reveal: an accepted match (matching.match-made.v1, published here as matching's relay would) lets its
 * requester and helper see each other's contact channels, across pods too, until it is withdrawn; nobody else.
 */
describe('contact reveal between matched members (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let nc: NatsConnection;
  const prefix = natsTestPrefix();
  let arroios: string;
  let graca: string;

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await sut.graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  /** A member who joined `podId` and gave one contact channel. */
  async function member(subject: string, podId: string, kind: 'EMAIL' | 'PHONE', value: string): Promise<string> {
    const token = await sut.token(subject, podId, ['member']);
    await ok(token, 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name: subject.slice(7) });
    await ok(token, 'mutation($input: AddContactChannelInput!) { addContactChannel(input: $input) { id } }', { input: { kind, value } });
    // The directory and channels are read models: wait until the member sees themself there.
    await waitFor(async () => ((await channelsSeen(token, memberIdFor(podId, subject)))?.contactChannels?.length ? true : undefined), {
      description: `${subject} in the read models`,
    });
    return token;
  }

  async function publishAsMatching(contract: AnyIntegrationEventContract, podId: string, matchId: string, data: unknown, version: number): Promise<void> {
    const eventId = randomUUID();
    const message = createOutboxMapper({ service: 'matching', region: 'test-region', prefix, map: () => ({ contract, data }) })({
      eventId,
      streamId: `match:${podId}:${matchId}`,
      streamPosition: version,
      podId,
      type: contract.type,
      data,
      metadata: { occurredAt: new Date().toISOString(), actorId: 'person-requester', podId },
    })!;
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
    await jetstream(nc).publish(message.subject, JSON.stringify(message.payload), { msgID: eventId, headers });
  }

  const matchMade = (matchId: string, requester: { id: string; pod: string }, helper: { id: string; pod: string }) => ({
    matchId,
    requestId: randomUUID(),
    podId: requester.pod,
    offerId: null,
    suggestionId: randomUUID(),
    requesterMemberId: requester.id,
    requesterPodId: requester.pod,
    helperMemberId: helper.id,
    helperPodId: helper.pod,
    crossPod: requester.pod !== helper.pod,
    via: 'confirmed',
    matchedAt: new Date().toISOString(),
  });

  const channelsSeen = async (viewer: string, memberId: string) =>
    (await ok<{ member: { contactChannels: { value: string }[] | null } | null }>(viewer, MEMBER, { id: memberId })).member;

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_reveal', appRole: 'mutuo_membership_app', natsPrefix: prefix });
    nc = await connect({ servers: TEST_NATS_URL });
    const operator = await sut.token('person-operator', undefined, ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }');
    const pod = async (name: string) =>
      (
        await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
          input: { regionId: region.createRegion.id, name, languages: ['pt'], timezone: 'Europe/Lisbon' },
        })
      ).createPod.id;
    arroios = await pod('Arroios');
    graca = await pod('Graça');
  }, 60_000);

  afterAll(async () => {
    await nc?.close();
    await sut?.stop();
  }, 30_000);

  it('shows requester and helper each other’s channels while their match stands, and nobody else', async () => {
    const ana = await member('person-ana', arroios, 'EMAIL', 'ana@example.org');
    const bo = await member('person-bo', arroios, 'PHONE', '+351912000111');
    const dee = await member('person-dee', arroios, 'EMAIL', 'dee@example.org');
    const anaId = memberIdFor(arroios, 'person-ana');
    const boId = memberIdFor(arroios, 'person-bo');
    expect(await channelsSeen(bo, anaId)).toMatchObject({ displayName: 'ana', contactChannels: null });

    const matchId = randomUUID();
    await publishAsMatching(MatchMadeV1, arroios, matchId, matchMade(matchId, { id: anaId, pod: arroios }, { id: boId, pod: arroios }), 1);
    const seenByBo = await waitFor(async () => (await channelsSeen(bo, anaId))?.contactChannels ?? undefined, { description: 'Ana’s channels shown to Bo' });
    expect(seenByBo).toEqual([{ kind: 'EMAIL', value: 'ana@example.org' }]);
    expect((await channelsSeen(ana, boId))?.contactChannels).toEqual([{ kind: 'PHONE', value: '+351912000111' }]);
    expect((await channelsSeen(dee, anaId))?.contactChannels).toBeNull();

    await publishAsMatching(
      MatchWithdrawnV1,
      arroios,
      matchId,
      {
        matchId,
        requestId: randomUUID(),
        podId: arroios,
        offerId: null,
        requesterMemberId: anaId,
        helperMemberId: boId,
        helperPodId: arroios,
        withdrawnBy: 'requester',
        reason: null,
        withdrawnAt: new Date().toISOString(),
      },
      2,
    );
    await waitFor(async () => ((await channelsSeen(bo, anaId))?.contactChannels === null ? true : undefined), { description: 'the reveal withdrawn' });
    expect((await channelsSeen(ana, boId))?.contactChannels).toBeNull();
  });

  it('lets matched members of different pods find each other, with their channels, and keeps everyone else out', async () => {
    const ana = await sut.token('person-ana', arroios, ['member']);
    const anaId = memberIdFor(arroios, 'person-ana');
    const cleo = await member('person-cleo', graca, 'EMAIL', 'cleo@example.org');
    const cleoId = memberIdFor(graca, 'person-cleo');
    const eve = await member('person-eve', graca, 'EMAIL', 'eve@example.org');
    expect((await ok<{ member: unknown }>(cleo, MEMBER, { id: anaId })).member).toBeNull();

    const matchId = randomUUID();
    await publishAsMatching(MatchMadeV1, arroios, matchId, matchMade(matchId, { id: anaId, pod: arroios }, { id: cleoId, pod: graca }), 1);
    const seenByCleo = await waitFor(async () => (await channelsSeen(cleo, anaId)) ?? undefined, { description: 'Ana found by Cleo' });
    expect(seenByCleo).toEqual({ id: anaId, displayName: 'ana', contactChannels: [{ kind: 'EMAIL', value: 'ana@example.org' }] });
    const seenByAna = await waitFor(async () => (await channelsSeen(ana, cleoId)) ?? undefined, { description: 'Cleo found by Ana' });
    expect(seenByAna).toEqual({ id: cleoId, displayName: 'cleo', contactChannels: [{ kind: 'EMAIL', value: 'cleo@example.org' }] });
    // Eve is in Cleo's pod, not in the match: Ana stays out of her reach.
    expect((await ok<{ member: unknown }>(eve, MEMBER, { id: anaId })).member).toBeNull();
  });
});
