import { natsTestPrefix, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

const PAGE = `query($podId: ID!, $first: Int, $after: String) {
  pod(id: $podId) { members(first: $first, after: $after) { edges { cursor node { displayName status } } endCursor hasNextPage } }
}`;

interface DirectoryPage {
  pod: { members: { edges: { node: { displayName: string; status: string } }[]; endCursor: string | null; hasNextPage: boolean } };
}

describe('the member directory, Pod.members (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let podId: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, {
      databasePrefix: 'membership_directory',
      appRole: 'mutuo_membership_app',
      natsPrefix: natsTestPrefix(),
    });
    const operator = await sut.token('person-operator', undefined, ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }');
    podId = (
      await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await sut.graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  it('pages through the active members by display name, leaving out those who left', async () => {
    // Joined out of alphabetical order; Fia leaves again.
    for (const name of ['Dora', 'Bea', 'Fia', 'Eli', 'Ana', 'Caio']) {
      await ok(await sut.token(`person-${name}`, podId, ['member']), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name });
    }
    await ok(await sut.token('person-Fia', podId, ['member']), 'mutation { leavePod { id } }');
    const ana = await sut.token('person-Ana', podId, ['member']);

    const pages: string[][] = [];
    let after: string | null = null;
    await waitFor(async () => (await ok<DirectoryPage>(ana, PAGE, { podId, first: 100 })).pod.members.edges.length === 5, {
      description: 'the five active members in the directory',
    });
    do {
      const page: DirectoryPage = await ok<DirectoryPage>(ana, PAGE, { podId, first: 2, after });
      pages.push(page.pod.members.edges.map((edge) => edge.node.displayName));
      expect(page.pod.members.edges.every((edge) => edge.node.status === 'ACTIVE')).toBe(true);
      after = page.pod.members.hasNextPage ? page.pod.members.endCursor : null;
    } while (after !== null);

    expect(pages).toEqual([['Ana', 'Bea'], ['Caio', 'Dora'], ['Eli']]);
    const { errors } = await sut.graphql(ana, PAGE, { podId, first: 2, after: 'not-a-cursor' });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  }, 60_000);
});
