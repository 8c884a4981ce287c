import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * A member's contact channels and precise location through the gateway, by every path that reaches a
 * Member (membership's own query and the entity other subgraphs reference): the member and the pod's
 * coordinators see them, another member gets null. Blocked pairs do not see each other, and a member
 * who stepped back is never counted as a possible helper.
 */
describe('member privacy, blocks and stepping back through the gateway', () => {
  const platform = new PlatformHarness();

  const { graphql, data } = platform;

  const token = (subject: string, podId: string | undefined, roles: string[]) => platform.token(subject, podId, roles);

  let podId: string;
  let ana: string;
  let bo: string;
  let cy: string;
  let anaId: string;
  let boId: string;
  let requestId: string;

  const PRIVATE = 'id displayName pronouns location { cell precise { lat lon } } contactChannels { kind value verification preferred }';
  const anaSeenBy = async (viewer: string) =>
    (await data<{ member: Record<string, unknown> | null }>(viewer, `query($id: ID!) { member(id: $id) { ${PRIVATE} } }`, { id: anaId })).member;
  const anaAsRequesterSeenBy = async (viewer: string) =>
    (
      await data<{ request: { requester: Record<string, unknown> } | null }>(viewer, `query($id: ID!) { request(id: $id) { requester { ${PRIVATE} } } }`, {
        id: requestId,
      })
    ).request?.requester;

  beforeAll(async () => {
    await platform.start();
    const operator = await token('operator-1', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      { input: { name: 'Lisboa', slug: `lisboa-${platform.suffix}` } },
    );
    podId = (
      await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: createRegion.id, name: 'Arroios', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;

    [ana, bo, cy] = await Promise.all([
      token('person-ana', podId, ['member']),
      token('person-bo', podId, ['member']),
      token('person-cy', podId, ['member', 'coordinator']),
    ]);
    const JOIN = 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }';
    anaId = (await data<{ joinPod: { id: string } }>(ana, JOIN, { name: 'Ana' })).joinPod.id;
    boId = (await data<{ joinPod: { id: string } }>(bo, JOIN, { name: 'Bo' })).joinPod.id;
    await data(cy, JOIN, { name: 'Cy' });

    await data(ana, 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }', {
      input: { pronouns: 'she/her', location: { cell: 'eycs21', precise: { lat: 38.72605, lon: -9.13577 } } },
    });
    await data(ana, 'mutation { addContactChannel(input: { kind: EMAIL, value: "ana@example.org" }) { id } }');
    await data(ana, 'mutation { addContactChannel(input: { kind: PHONE, value: "+351912345678" }) { id } }');
    requestId = (
      await data<{ postRequest: { id: string } }>(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
        input: { title: 'Sopa para esta semana', language: 'pt', category: 'MEALS', urgency: 'NORMAL' },
      })
    ).postRequest.id;
    // Read models of membership and requests catch up asynchronously.
    await waitFor(async () => ((await anaAsRequesterSeenBy(ana))?.contactChannels as unknown[] | undefined)?.length === 2, {
      description: "Ana's profile and request in the read models",
      timeoutMs: 20_000,
      intervalMs: 200,
    });
  }, 240_000);
  afterAll(() => platform.stop(), 60_000);

  const anaInFull = {
    id: expect.any(String),
    displayName: 'Ana',
    pronouns: 'she/her',
    location: { cell: 'eycs21', precise: { lat: 38.72605, lon: -9.13577 } },
    contactChannels: [
      { kind: 'EMAIL', value: 'ana@example.org', verification: 'UNVERIFIED', preferred: true },
      { kind: 'PHONE', value: '+351912345678', verification: 'UNVERIFIED', preferred: false },
    ],
  };
  const anaInPublic = { ...anaInFull, location: { cell: 'eycs21', precise: null }, contactChannels: null };

  it("shows another member only Ana's public profile, directly and as the requester of her request", async () => {
    expect(await anaSeenBy(bo)).toEqual(anaInPublic);
    expect(await anaAsRequesterSeenBy(bo)).toEqual(anaInPublic);
  });

  it("shows Ana's contact channels and precise point to Ana and to a coordinator, by both paths", async () => {
    for (const viewer of [ana, cy]) {
      expect(await anaSeenBy(viewer)).toEqual(anaInFull);
      expect(await anaAsRequesterSeenBy(viewer)).toEqual(anaInFull);
    }
  });

  it('hides a blocked pair from each other, in both directions, until the block is lifted', async () => {
    const block = await data<{ blockMember: { memberId: string; blocked: boolean } }>(
      bo,
      'mutation($id: ID!) { blockMember(memberId: $id) { memberId blocked } }',
      { id: anaId },
    );
    expect(block.blockMember).toEqual({ memberId: anaId, blocked: true });

    const MEMBER = 'query($id: ID!) { member(id: $id) { id } }';
    await waitFor(async () => (await data<{ member: unknown }>(bo, MEMBER, { id: anaId })).member === null, {
      description: 'the block in the read model',
      timeoutMs: 10_000,
    });
    expect((await data<{ member: unknown }>(ana, MEMBER, { id: boId })).member).toBeNull();
    expect((await data<{ member: unknown }>(cy, MEMBER, { id: anaId })).member).toEqual({ id: anaId });
    // Whom Bo blocked is Bo's alone to know, even for a coordinator.
    expect((await data<{ me: { blockedMemberIds: string[] } }>(bo, '{ me { blockedMemberIds } }')).me.blockedMemberIds).toEqual([anaId]);
    expect(
      (await data<{ member: { blockedMemberIds: unknown } }>(cy, 'query($id: ID!) { member(id: $id) { blockedMemberIds } }', { id: boId })).member,
    ).toEqual({ blockedMemberIds: null });

    await data(bo, 'mutation($id: ID!) { unblockMember(memberId: $id) { blocked } }', { id: anaId });
    await waitFor(async () => (await data<{ member: unknown }>(ana, MEMBER, { id: boId })).member !== null, {
      description: 'the unblock in the read model',
      timeoutMs: 10_000,
    });
  });

  it('refuses blocking oneself with a typed error naming the field', async () => {
    const result = await graphql(ana, 'mutation($id: ID!) { blockMember(memberId: $id) { blocked } }', { id: anaId });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'CANNOT_BLOCK_SELF', field: 'memberId' });
  });

  it('never counts a member who stepped back as a possible helper', async () => {
    const returnAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { stepBack } = await data<{ stepBack: { paused: boolean; returnAt: string } }>(
      bo,
      'mutation($at: String) { stepBack(input: { returnAt: $at }) { paused returnAt } }',
      { at: returnAt },
    );
    expect(stepBack).toEqual({ paused: true, returnAt });
    await waitFor(async () => (await data<{ member: { paused: boolean } }>(cy, 'query($id: ID!) { member(id: $id) { paused } }', { id: boId })).member.paused, {
      description: "Bo's pause in membership's read model",
      timeoutMs: 10_000,
    });

    // Matching hears of the pause asynchronously: a request posted once it has counts only Cy.
    const POST = 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }';
    const MATCHING = 'query($id: ID!) { request(id: $id) { matching { state candidateCount } } }';
    const counted = await waitFor(
      async () => {
        const { postRequest } = await data<{ postRequest: { id: string } }>(ana, POST, {
          input: { title: 'Boleia ao centro de saúde', language: 'pt', category: 'TRANSPORT', urgency: 'URGENT' },
        });
        const matching = await waitFor(
          async () => {
            const result = await data<{ request: { matching: { state: string; candidateCount: number } } | null }>(ana, MATCHING, { id: postRequest.id });
            return result.request && result.request.matching.state !== 'PENDING' ? result.request.matching : undefined;
          },
          { description: 'the request to be evaluated', timeoutMs: 15_000, intervalMs: 200 },
        );
        return matching.candidateCount === 1 ? matching : undefined;
      },
      { description: 'a request evaluated without Bo', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(counted).toEqual({ state: 'CANDIDATES_FOUND', candidateCount: 1 });
  });
});
