import { itCreatesOncePerIdempotencyKey, countEvents, startServiceUnderTest, uniqueSuffix, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

/** Creating regions, pods and contact channels takes an idempotency key (real PostgreSQL and NATS). */
describe('membership idempotency keys (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let regionId: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_idempotency', appRole: 'mutuo_membership_app' });
    const operator = await sut.token('person-operator', undefined, ['operator']);
    const created = await sut.graphql<{ createRegion: { id: string } }>(
      operator,
      'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }',
    );
    regionId = created.data!.createRegion.id;
  }, 60_000);
  afterAll(() => sut?.stop(), 30_000);

  itCreatesOncePerIdempotencyKey('createPod', () => ({
    adminUrl: sut.db.adminUrl,
    eventType: 'PodCreated',
    create: async (subject: string, idempotencyKey: string | null, variant: string) =>
      sut.graphql<Record<string, unknown>>(
        await sut.token(subject, undefined, ['operator']),
        'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }',
        {
          input: { regionId, name: `Arroios ${variant}`, languages: ['pt'], timezone: 'Europe/Lisbon', idempotencyKey },
        },
      ),
    idOf: (data: Record<string, unknown>) => (data.createPod as { id: string }).id,
  }));

  // A region's id derives from its slug: without a key a retry is told the region exists; with one it gets the region.
  it('gives a createRegion retry with the same key the region instead of REGION_EXISTS, and refuses the key for another region', async () => {
    const operator = await sut.token('person-region-maker', undefined, ['operator']);
    const CREATE = 'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id slug } }';
    const slug = `porto-${uniqueSuffix()}`;
    const input = { name: 'Porto', slug, idempotencyKey: 'create-porto' };
    const [first, retry] = await Promise.all([
      sut.graphql<{ createRegion: { id: string } }>(operator, CREATE, { input }),
      sut.graphql<{ createRegion: { id: string } }>(operator, CREATE, { input }),
    ]);
    expect(first.errors).toBeUndefined();
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.createRegion.id).toBe(first.data!.createRegion.id);
    expect(await countEvents(sut.db.adminUrl, 'RegionCreated', 'person-region-maker')).toBe(1);

    const withoutKey = await sut.graphql(operator, CREATE, { input: { name: 'Porto', slug } });
    expect(withoutKey.errors?.[0]?.extensions).toMatchObject({ code: 'REGION_EXISTS' });
    const reused = await sut.graphql(operator, CREATE, { input: { ...input, slug: `${slug}-norte` } });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
  }, 30_000);

  // The same value cannot be added twice anyway; the key turns a retry's CONTACT_CHANNEL_EXISTS into the member.
  it('gives joinPod and addContactChannel retries with the same key the member (one new channel), and refuses the key for another value', async () => {
    const operator = await sut.token('person-operator', undefined, ['operator']);
    const pod = await sut.graphql<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId, name: 'Graça', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const rosa = await sut.token('person-rosa', pod.data!.createPod.id, ['member']);
    const JOIN = 'mutation { joinPod(input: { displayName: "Rosa", idempotencyKey: "join-graca" }) { id } }';
    const [joined, joinedAgain] = [await sut.graphql<{ joinPod: { id: string } }>(rosa, JOIN), await sut.graphql<{ joinPod: { id: string } }>(rosa, JOIN)];
    expect(joined.errors).toBeUndefined();
    expect(joinedAgain.errors).toBeUndefined();
    expect(joinedAgain.data!.joinPod.id).toBe(joined.data!.joinPod.id);
    const ADD = 'mutation($input: AddContactChannelInput!) { addContactChannel(input: $input) { contactChannels { id value } } }';
    type Added = { addContactChannel: { contactChannels: { id: string; value: string }[] } };
    const input = { kind: 'EMAIL', value: 'rosa@example.org', idempotencyKey: 'add-rosa-email' };
    const first = await sut.graphql<Added>(rosa, ADD, { input });
    const retry = await sut.graphql<Added>(rosa, ADD, { input });
    expect(first.errors).toBeUndefined();
    expect(retry.errors).toBeUndefined();
    expect(retry.data!.addContactChannel.contactChannels).toEqual(first.data!.addContactChannel.contactChannels);
    expect(retry.data!.addContactChannel.contactChannels).toHaveLength(1);
    expect(await countEvents(sut.db.adminUrl, 'ContactChannelAdded', 'person-rosa')).toBe(1);

    const reused = await sut.graphql(rosa, ADD, { input: { ...input, value: 'rosa.lima@example.org' } });
    expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
  }, 30_000);
});
