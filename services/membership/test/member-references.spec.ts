import { onStatement } from '@mutuo/event-store';
import { natsTestPrefix, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

const MEMBERS = 50;
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Member { id displayName } } }`;
const DIRECTORY = `query($podId: ID!) { pod(id: $podId) { members(first: 100) { edges { node { id } } } } }`;

type Entities = { _entities: ({ id: string; displayName: string } | null)[] };

/**
 * Reads of the members read model and of blocks (what a reference needs to be answered), counted where every
 * statement of the service's database passes.
 */
function countMemberReads(sut: ServiceUnderTest): { count: () => number; stop: () => void } {
  const statements: string[] = [];
  const stop = onStatement(sut.service.orm.em, (sql) => {
    if (/from "?(members|member_blocks)"?\s/.test(sql)) statements.push(sql);
  });
  return { count: () => statements.length, stop };
}

describe('Member references from the gateway (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let podId: string;
  let viewer: string;
  const memberIds: string[] = [];

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, {
      databasePrefix: 'membership_references',
      appRole: 'mutuo_membership_app',
      natsPrefix: natsTestPrefix(),
    });
    const operator = await sut.token('person-operator', undefined, ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Porto", slug: "porto" }) { id } }');
    podId = (
      await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Bonfim', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
    for (let index = 0; index < MEMBERS; index++) {
      const token = await sut.token(`person-${index}`, podId, ['member']);
      const joined = await ok<{ joinPod: { id: string } }>(token, 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', {
        name: `Member ${index}`,
      });
      memberIds.push(joined.joinPod.id);
    }
    viewer = await sut.token('person-0', podId, ['member']);
    await waitFor(async () => (await ok<{ pod: { members: { edges: unknown[] } } }>(viewer, DIRECTORY, { podId })).pod.members.edges.length === MEMBERS, {
      description: 'every member in the read model',
    });
  }, 180_000);

  afterAll(async () => {
    await sut?.stop();
  });

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await sut.graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  it('resolves 50 member references in one query, with the same answer as one reference at a time', async () => {
    const representations = memberIds.map((id) => ({ __typename: 'Member', id }));

    const batched = countMemberReads(sut);
    const together = await ok<Entities>(viewer, ENTITIES, { representations });
    batched.stop();

    const single = countMemberReads(sut);
    const oneByOne: Entities['_entities'] = [];
    for (const representation of representations) oneByOne.push(...(await ok<Entities>(viewer, ENTITIES, { representations: [representation] }))._entities);
    single.stop();

    expect(together._entities).toEqual(oneByOne);
    expect(together._entities.map((member) => member?.id)).toEqual(memberIds);
    expect(together._entities.map((member) => member?.displayName)).toEqual(memberIds.map((_, index) => `Member ${index}`));
    expect(batched.count()).toBe(1);
    expect(single.count()).toBe(MEMBERS);
  }, 120_000);

  it('hides members in a block with the viewer, still in one query for the whole batch', async () => {
    const blocker = await sut.token('person-1', podId, ['member']);
    await ok(blocker, 'mutation($id: ID!) { blockMember(memberId: $id) { blocked } }', { id: memberIds[0] });
    const representations = memberIds.slice(0, 5).map((id) => ({ __typename: 'Member', id }));
    await waitFor(async () => (await ok<Entities>(viewer, ENTITIES, { representations: [representations[1]] }))._entities[0] === null, {
      description: 'the block in the read model',
    });

    const reads = countMemberReads(sut);
    const seen = await ok<Entities>(viewer, ENTITIES, { representations });
    reads.stop();

    expect(seen._entities.map((member) => member?.id ?? null)).toEqual([memberIds[0], null, memberIds[2], memberIds[3], memberIds[4]]);
    expect(reads.count()).toBe(1);
    await ok(blocker, 'mutation($id: ID!) { unblockMember(memberId: $id) { blocked } }', { id: memberIds[0] });
  }, 60_000);
});
