import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Members offer and ask directly, through the gateway, all real: a member says "I can help" on a request, the requester
 * sees it in the request's one list (with its origin and note) and confirms it, requests marks the request matched and
 * takes the fulfilment; a member in a block with the requester is refused; the requester asks for an offer ("could
 * I have one?") and the offerer's yes makes the match.
 */
describe('direct help through the gateway', () => {
  const platform = new PlatformHarness();
  const { data, graphql } = platform;

  beforeAll(async () => {
    await platform.start();
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('offer help → requester confirms → matched and fulfilled; a blocked member cannot offer; an ask for an offer is accepted by the offerer', async () => {
    const operator = await platform.token('operator-d', undefined, ['operator']);
    const { createRegion } = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($input: CreateRegionInput!) { createRegion(input: $input) { id } }',
      { input: { name: 'Lisboa', slug: `lisboa-direct-${platform.suffix}` } },
    );
    const { createPod } = await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
      input: { regionId: createRegion.id, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' },
    });
    const podId = createPod.id;
    const [ana, bo, cy, dee] = await Promise.all(['ana', 'bo', 'cy', 'dee'].map((name) => platform.token(`person-${name}-d`, podId, ['member'])));
    const join = async (token: string, displayName: string) =>
      (await data<{ joinPod: { id: string } }>(token, 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name: displayName }))
        .joinPod.id;
    const anaId = await join(ana!, 'Ana');
    const boId = await join(bo!, 'Bo');
    const cyId = await join(cy!, 'Cy');
    const deeId = await join(dee!, 'Dee');
    // Cy blocked Ana: Cy may not respond to her requests (and is not told why).
    await data(cy!, 'mutation($id: ID!) { blockMember(memberId: $id) { blocked } }', { id: anaId });

    const REQUEST = `query($id: ID!) { request(id: $id) { id status matching { state }
      suggestions { id helperMemberId source status note }
      match { status helperMemberId origin via } } }`;
    type RequestView = {
      request: {
        status: string;
        matching: { state: string };
        suggestions: { id: string; helperMemberId: string; source: string; status: string; note: string | null }[];
        match: { status: string; helperMemberId: string; origin: string; via: string } | null;
      };
    };
    const view = async (id: string) => (await data<RequestView>(ana!, REQUEST, { id })).request;
    const post = async (title: string, category: string) =>
      (
        await data<{ postRequest: { id: string } }>(ana!, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: { title, language: 'pt', category, urgency: 'NORMAL' },
        })
      ).postRequest.id;

    // Matching must know of the block before the request (two streams): a request Cy is not suggested for shows it.
    const requestId = await waitFor(
      async () => {
        const id = await post('Mudança no sábado', 'TRANSPORT');
        const evaluated = await waitFor(
          async () => {
            const request = await view(id);
            return request.matching.state !== 'PENDING' ? request : undefined;
          },
          { description: 'the request to be evaluated', timeoutMs: 30_000, intervalMs: 250 },
        );
        const helpers = evaluated.suggestions.map((s) => s.helperMemberId);
        return helpers.includes(boId) && !helpers.includes(cyId) ? id : undefined;
      },
      { description: 'a request matching knows Cy blocked Ana for', timeoutMs: 60_000, intervalMs: 500 },
    );

    const OFFER_HELP = 'mutation($input: OfferHelpInput!) { offerHelp(input: $input) { matched } }';
    const refused = await graphql(cy!, OFFER_HELP, { input: { requestId, note: 'Posso ajudar' } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'REQUEST_NOT_OPEN_TO_YOU', field: 'requestId' });
    expect(await data(bo!, OFFER_HELP, { input: { requestId, note: 'Tenho uma carrinha', availableFrom: '2026-12-12T09:00:00Z' } })).toEqual({
      offerHelp: { matched: false },
    });

    // One list for Ana: Bo's offer with its origin and note (his suggestion became his offer) and whatever else was suggested.
    const offered = await waitFor(async () => (await view(requestId)).suggestions.find((s) => s.source === 'OFFERED'), {
      description: "Bo's offer in the request's list",
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(offered).toMatchObject({ helperMemberId: boId, status: 'ACCEPTED', note: 'Tenho uma carrinha' });
    expect((await view(requestId)).suggestions.filter((s) => s.helperMemberId === boId)).toHaveLength(1);
    expect(await data(ana!, 'mutation($id: ID!) { confirmHelper(suggestionId: $id) { matched } }', { id: offered.id })).toEqual({
      confirmHelper: { matched: true },
    });
    const matched = await waitFor(
      async () => {
        const request = await view(requestId);
        return request.status === 'MATCHED' && request.match?.status === 'MADE' ? request : undefined;
      },
      { description: 'requests to mark the request matched', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(matched.match).toMatchObject({ helperMemberId: boId, origin: 'OFFERED', via: 'CONFIRMED' });

    // Fulfilled and credited like any match.
    await data(ana!, 'mutation($input: ConfirmFulfilmentInput!) { confirmFulfilment(input: $input) { id } }', {
      input: { requestId, hoursGiven: [{ helperMemberId: boId, minutes: 120 }] },
    });
    await waitFor(
      async () => {
        const request = await view(requestId);
        return request.status === 'FULFILLED' && request.match?.status === 'DONE' ? request : undefined;
      },
      { description: 'the request fulfilled and its match done', timeoutMs: 30_000, intervalMs: 250 },
    );

    // "Could I have one?": Dee offers soup; Ana asks for one for her request; Dee says yes and that is the match.
    const { postOffer } = await data<{ postOffer: { id: string } }>(dee!, 'mutation($input: PostOfferInput!) { postOffer(input: $input) { id } }', {
      input: { title: 'Sopa para quatro', language: 'pt', category: 'MEALS', quantity: 4 },
    });
    const soupRequestId = await post('Uma sopa para hoje', 'MEALS');
    const ASK = 'mutation($input: AskForOfferInput!) { askForOffer(input: $input) { matched } }';
    await waitFor(
      async () => (await graphql(ana!, ASK, { input: { offerId: postOffer.id, requestId: soupRequestId, note: 'Pode ser uma?' } })).errors === undefined,
      {
        description: 'matching to know the offer and the request, and take the ask',
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );
    const ask = await waitFor(
      async () => {
        const mine = await data<{ suggestionsForMe: { id: string; source: string; note: string | null; request: { id: string } | null }[] }>(
          dee!,
          '{ suggestionsForMe { id source note request { id } } }',
        );
        return mine.suggestionsForMe.find((s) => s.source === 'ASKED' && s.request?.id === soupRequestId);
      },
      { description: 'the ask among Dee’s suggestions', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(ask.note).toBe('Pode ser uma?');
    expect(await data(dee!, 'mutation($id: ID!) { acceptSuggestion(suggestionId: $id) { matched } }', { id: ask.id })).toEqual({
      acceptSuggestion: { matched: true },
    });
    const soup = await waitFor(
      async () => {
        const request = await view(soupRequestId);
        return request.status === 'MATCHED' ? request : undefined;
      },
      { description: 'requests to mark the soup request matched', timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(soup.match).toMatchObject({ helperMemberId: deeId, origin: 'ASKED', via: 'CONFIRMED' });
  });
});
