import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * An anonymous request through the gateway, all real: the helper who takes it never learns who asked (not from the
 * request, its timeline, or the match), while the requester and their pod's coordinator do.
 */
describe('anonymous requesters through the gateway', () => {
  const platform = new PlatformHarness();
  const { data } = platform;

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('hides who asked from the helper everywhere, and shows it to the requester and the coordinator', async () => {
    const operator = await platform.token('operator-a', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      {
        input: { name: 'Lisboa', slug: `lisboa-a-${platform.suffix}` },
      },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Graça', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const ana = await platform.token('person-ana-a', podId, ['member']);
    const bo = await platform.token('person-bo-a', podId, ['member']);
    const cleo = await platform.token('person-cleo-a', podId, ['member', 'coordinator']);
    const anaId = (await data<{ joinPod: { id: string } }>(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }')).joinPod.id;
    const boId = (await data<{ joinPod: { id: string } }>(bo, 'mutation { joinPod(input: { displayName: "Bo" }) { id } }')).joinPod.id;
    await data(cleo, 'mutation { joinPod(input: { displayName: "Cleo" }) { id } }');
    await data(bo, 'mutation { updateProfile(input: { skills: [GROCERIES], languages: ["pt"] }) { id } }');

    // Matching must have heard of Bo's skills before the request, or it would not suggest him.
    const { requestId, suggestionId } = await waitFor(
      async () => {
        const posted = await data<{ postRequest: { id: string } }>(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: { title: 'Compras', language: 'pt', category: 'GROCERIES', urgency: 'EMERGENCY', anonymous: true },
        });
        const id = posted.postRequest.id;
        const forBo = await waitFor(
          async () => {
            const mine = await data<{ suggestionsForMe: { id: string; requestId: string }[] }>(bo, '{ suggestionsForMe { id requestId } }');
            return mine.suggestionsForMe.find((s) => s.requestId === id) ?? undefined;
          },
          { description: 'a suggestion for Bo', timeoutMs: 20_000, intervalMs: 250 },
        ).catch(() => undefined);
        return forBo ? { requestId: id, suggestionId: forBo.id } : undefined;
      },
      { description: 'an anonymous request suggested to Bo', timeoutMs: 90_000, intervalMs: 500 },
    );

    // Bo takes the emergency, which matches it at once.
    expect(await data(bo, 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: suggestionId })).toEqual({
      acceptSuggestion: { matched: true },
    });

    const VIEW = `query($id: ID!) { request(id: $id) { anonymous requester { id } postedBy { id } timeline { kind actor { id } }
      match { requestId requesterMemberId helperMemberId } } }`;
    type View = {
      request: {
        anonymous: boolean;
        requester: { id: string } | null;
        postedBy: { id: string } | null;
        timeline: { kind: string; actor: { id: string } | null }[];
        match: { requestId: string; requesterMemberId: string | null; helperMemberId: string } | null;
      };
    };
    const asBo = await waitFor(
      async () => {
        const { request } = await data<View>(bo, VIEW, { id: requestId });
        return request.match ? request : undefined;
      },
      { description: 'the match to be visible to Bo', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(asBo).toMatchObject({ anonymous: true, requester: null, postedBy: null, match: { requestId, requesterMemberId: null, helperMemberId: boId } });
    expect(JSON.stringify(asBo)).not.toContain(anaId);

    const asAna = (await data<View>(ana, VIEW, { id: requestId })).request;
    expect(asAna).toMatchObject({ requester: { id: anaId }, match: { requesterMemberId: anaId } });
    expect(asAna.timeline.some((entry) => entry.actor?.id === anaId)).toBe(true);

    const asCleo = (await data<View>(cleo, VIEW, { id: requestId })).request;
    expect(asCleo).toMatchObject({ requester: { id: anaId }, match: { requesterMemberId: anaId } });
  });
});
