import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Matching through the gateway, all real: a request posted in requests reaches matching over JetStream, suggestions
 * appear on the request, the suggested helper accepts, the requester confirms, requests marks the request matched and
 * membership shows the two (and nobody else) each other's contact details after hearing matching's match-made.
 * Errors for bad moves come back with their code and field.
 */
describe('matching through the gateway', () => {
  const platform = new PlatformHarness();
  const { data, graphql } = platform;

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('request posted → suggestions appear → helper accepts → requester confirms → request matched → contacts visible to those two only', async () => {
    const operator = await platform.token('operator-m', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      { input: { name: 'Lisboa', slug: `lisboa-${platform.suffix}` } },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Graça', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const ana = await platform.token('person-ana-m', podId, ['member']);
    const bo = await platform.token('person-bo-m', podId, ['member']);
    const cy = await platform.token('person-cy-m', podId, ['member']);
    const anaId = (await data<{ joinPod: { id: string } }>(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }')).joinPod.id;
    const boId = (await data<{ joinPod: { id: string } }>(bo, 'mutation { joinPod(input: { displayName: "Bo" }) { id } }')).joinPod.id;
    await data(cy, 'mutation { joinPod(input: { displayName: "Cy" }) { id } }');
    // Bo can help with groceries; Cy only with translation, so only Bo is suggested for groceries.
    await data(bo, 'mutation { updateProfile(input: { skills: [GROCERIES], languages: ["pt"] }) { id } }');
    await data(cy, 'mutation { updateProfile(input: { skills: [TRANSLATION], languages: ["pt"] }) { id } }');
    await data(ana, 'mutation { addContactChannel(input: { kind: EMAIL, value: "ana@example.org" }) { id } }');
    await data(bo, 'mutation { addContactChannel(input: { kind: PHONE, value: "+351912345678" }) { id } }');
    const CONTACTS = 'query($id: ID!) { member(id: $id) { contactChannels { kind value } } }';
    type Contacts = { member: { contactChannels: { kind: string; value: string }[] | null } | null };
    const contactsOf = async (viewer: string, memberId: string) => (await data<Contacts>(viewer, CONTACTS, { id: memberId })).member?.contactChannels ?? null;

    // Matching must have heard of the skills before the request, or it would still see Bo and Cy as "anyone".
    const { postRequest } = await waitFor(
      async () => {
        const posted = await data<{ postRequest: { id: string } }>(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: { title: 'Compras da semana', language: 'pt', category: 'GROCERIES', urgency: 'URGENT' },
        });
        const suggestions = await waitFor(
          async () => {
            const result = await data<{ request: { suggestions: { helperMemberId: string }[]; matching: { state: string } } | null }>(
              ana,
              'query($id: ID!) { request(id: $id) { matching { state } suggestions { helperMemberId } } }',
              { id: posted.postRequest.id },
            );
            return result.request && result.request.matching.state !== 'PENDING' ? result.request.suggestions : undefined;
          },
          { description: 'the request to be evaluated', timeoutMs: 30_000, intervalMs: 250 },
        );
        return suggestions.length === 1 ? posted : undefined;
      },
      { description: 'a request suggesting exactly Bo', timeoutMs: 60_000, intervalMs: 500 },
    );
    const requestId = postRequest.id;

    type Suggestion = { id: string; helperMemberId: string; status: string; explanation: string; parts: { skills: number } };
    const REQUEST = `query($id: ID!) { request(id: $id) { id status
      suggestions { id helperMemberId status explanation parts { skills } }
      match { id status helperMemberId requesterMemberId } } }`;
    type RequestView = {
      request: { status: string; suggestions: Suggestion[]; match: { status: string; helperMemberId: string; requesterMemberId: string } | null };
    };
    const [forBo] = (await data<RequestView>(ana, REQUEST, { id: requestId })).request.suggestions;
    expect(forBo).toMatchObject({ helperMemberId: boId, status: 'OPEN', parts: { skills: 1 } });
    expect(forBo!.explanation).toMatch(/^score \d\.\d\d = category/);

    // Bo finds it among his suggestions; Cy can neither see it nor accept it for him.
    const mine = await data<{ suggestionsForMe: { id: string; request: { id: string; title: string } }[] }>(
      bo,
      '{ suggestionsForMe { id request { id title } } }',
    );
    // (An earlier attempt, posted before matching knew the skills, may have suggested them too: look at this request.)
    const forThisRequest = <T extends { request: { id: string } }>(list: T[]) => list.filter((s) => s.request.id === requestId);
    expect(forThisRequest(mine.suggestionsForMe)).toEqual([{ id: forBo!.id, request: { id: requestId, title: 'Compras da semana' } }]);
    const cys = await data<{ suggestionsForMe: { id: string; request: { id: string } }[] }>(cy, '{ suggestionsForMe { id request { id } } }');
    expect(forThisRequest(cys.suggestionsForMe)).toEqual([]);
    const stolen = await graphql(cy, 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: forBo!.id });
    expect(stolen.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_YOUR_SUGGESTION', field: 'suggestionId' });

    // Before a match nobody sees the other's contact details.
    expect(await contactsOf(bo, anaId)).toBeNull();

    // Confirming before Bo said yes is refused; after his yes it makes the match.
    const early = await graphql(ana, 'mutation($id: ID!) { confirmHelper(suggestionId: $id) { matched } }', { id: forBo!.id });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'HELPER_NOT_ACCEPTED' });
    expect(await data(bo, 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: forBo!.id })).toEqual({
      acceptSuggestion: { matched: false },
    });
    const confirmed = await data<{ confirmHelper: { matched: boolean; matchId: string } }>(
      ana,
      'mutation($id: ID!) { confirmHelper(suggestionId: $id) { matched matchId } }',
      {
        id: forBo!.id,
      },
    );
    expect(confirmed.confirmHelper.matched).toBe(true);

    const matched = await waitFor(
      async () => {
        const view = await data<RequestView>(ana, REQUEST, { id: requestId });
        return view.request.status === 'MATCHED' && view.request.match?.status === 'MADE' ? view.request : undefined;
      },
      { description: 'requests to mark the request matched', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(matched.match).toMatchObject({ helperMemberId: boId, requesterMemberId: anaId });

    // Now exactly these two see each other's contact details (membership, from match-made); Cy still does not.
    const anasForBo = await waitFor(async () => (await contactsOf(bo, anaId)) ?? undefined, {
      description: "Ana's contacts for Bo",
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(anasForBo).toEqual([{ kind: 'EMAIL', value: 'ana@example.org' }]);
    expect(await contactsOf(ana, boId)).toEqual([{ kind: 'PHONE', value: '+351912345678' }]);
    expect(await contactsOf(cy, anaId)).toBeNull();
    expect(await contactsOf(cy, boId)).toBeNull();
  });
});
