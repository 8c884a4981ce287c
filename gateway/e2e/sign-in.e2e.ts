import { decodeJwt } from 'jose';
import { memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Signing in for real through the gateway: a code to a verified address, exchanged for a membership-signed token
 * that the gateway and every service verify against membership's JWKS; sessions that refresh and end; and a partner
 * app that a coordinator registers, confined to its pod and its scopes.
 */
describe('sign-in, sessions and partner clients through the gateway', () => {
  const platform = new PlatformHarness();
  const ANA = 'ana@example.org';

  const { graphql, data } = platform;

  interface Session {
    accessToken: string;
    refreshToken: string | null;
    podId: string | null;
  }
  const SESSION = 'accessToken refreshToken podId';

  async function signIn(): Promise<Session> {
    const since = platform.deliveredCodes();
    await data(null, 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { codeLength } }', { email: ANA });
    const code = await platform.codeFor(ANA, since);
    return (
      await data<{ signIn: Session }>(null, `mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { ${SESSION} } }`, {
        email: ANA,
        code,
      })
    ).signIn;
  }

  let arroios: string;
  let graca: string;
  let bosRequest: string;

  beforeAll(async () => {
    await platform.start();
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const region = await data<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Porto", slug: $slug }) { id } }',
      {
        slug: `porto-${platform.suffix}`,
      },
    );
    const createPod = async (name: string) =>
      (
        await data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
          input: { regionId: region.createRegion.id, name, languages: ['pt'], timezone: 'Europe/Lisbon' },
        })
      ).createPod.id;
    [arroios, graca] = [await createPod('Bonfim'), await createPod('Campanhã')];

    // Joining a pod is not part of signing in: Ana and Bo join with tokens as membership would sign them.
    const ana = await platform.token('person-ana', arroios, ['member']);
    await data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
    const bo = await platform.token('person-bo', graca, ['member']);
    await data(bo, 'mutation { joinPod(input: { displayName: "Bo" }) { id } }');
    bosRequest = (
      await data<{ postRequest: { id: string } }>(bo, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
        input: { title: 'Boleia ao centro de saúde', language: 'pt', category: 'TRANSPORT' },
      })
    ).postRequest.id;

    const added = await data<{ addContactChannel: { contactChannels: { id: string }[] } }>(
      ana,
      'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id } } }',
      { value: ANA },
    );
    const channelId = added.addContactChannel.contactChannels[0]!.id;
    const since = platform.deliveredCodes();
    await data(ana, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: channelId });
    await data(ana, 'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { id } }', {
      id: channelId,
      code: await platform.codeFor(ANA, since),
    });
    await data(operator, 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }', {
      input: { podId: arroios, memberId: memberIdFor(arroios, 'person-ana'), role: 'coordinator' },
    });
  }, 180_000);
  afterAll(() => platform.stop(), 60_000);

  it('signs in without a token, and every service accepts the membership-signed token', async () => {
    // Until the e-mail index lists her verified address, the same address would sign in as a newcomer, in no pod.
    const session = await waitFor(
      () =>
        signIn().then(
          (signedIn) => (signedIn.podId === arroios ? signedIn : undefined),
          () => undefined,
        ),
      {
        description: 'sign-in once the address is indexed',
        timeoutMs: 20_000,
        intervalMs: 500,
      },
    );
    expect(session.podId).toBe(arroios);
    expect(decodeJwt(session.accessToken)).toMatchObject({ sub: 'person-ana', pod: arroios });

    // Requests, matching and notifications verify the token themselves, against the JWKS.
    const posted = await data<{ postRequest: { id: string; requester: { displayName: string } } }>(
      session.accessToken,
      'mutation($input: PostRequestInput!) { postRequest(input: $input) { id requester { displayName } } }',
      { input: { title: 'Compras da semana', language: 'pt', category: 'GROCERIES' } },
    );
    expect(posted.postRequest.requester.displayName).toBe('Ana');
    const mine = await waitFor(
      async () =>
        (
          await data<{ me: { inbox: { notifications: { kind: string }[] } } }>(session.accessToken, '{ me { inbox { notifications { kind } } } }')
        ).me.inbox.notifications.find((notification) => notification.kind === 'REQUEST_POSTED'),
      { description: "Ana's notification", timeoutMs: 20_000 },
    );
    expect(mine).toBeDefined();
  });

  it('signs a newcomer in with no pod; she joins a pod by its id, switches into it and acts there', async () => {
    const NUNO = 'nuno@example.org';
    const since = platform.deliveredCodes();
    await data(null, 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { codeLength } }', { email: NUNO });
    const code = await platform.codeFor(NUNO, since);
    const newcomer = (
      await data<{ signIn: Session }>(null, `mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { ${SESSION} } }`, {
        email: NUNO,
        code,
      })
    ).signIn;
    expect(newcomer.podId).toBeNull();
    const claims = decodeJwt(newcomer.accessToken);
    expect(claims).toMatchObject({ roles: [] });
    expect(claims.pod).toBeUndefined();
    // Nothing pod-scoped in any service: requests refuses posting without a pod.
    const refused = await graphql(newcomer.accessToken, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: 'Ajuda', language: 'pt', category: 'GROCERIES' },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const joined = await data<{ joinPod: { id: string } }>(
      newcomer.accessToken,
      'mutation($podId: ID!) { joinPod(input: { podId: $podId, displayName: "Nuno" }) { id } }',
      {
        podId: arroios,
      },
    );
    expect(joined.joinPod.id).toBe(memberIdFor(arroios, claims.sub!));
    const switched = await waitFor(
      async () =>
        (await graphql<{ switchPod: Session }>(newcomer.accessToken, `mutation($podId: ID!) { switchPod(podId: $podId) { ${SESSION} } }`, { podId: arroios }))
          .data?.switchPod,
      { description: 'a switch into the pod just joined', timeoutMs: 15_000 },
    );
    expect(switched.podId).toBe(arroios);
    // The member read model follows the join a moment later.
    const me = await waitFor(
      async () => (await data<{ me: { id: string; displayName: string } | null }>(switched.accessToken, '{ me { id displayName } }')).me,
      {
        description: 'Nuno in the member read model',
        timeoutMs: 15_000,
      },
    );
    expect(me).toEqual({ id: joined.joinPod.id, displayName: 'Nuno' });
  });

  it('refreshes without a token, signs out with one, and then refuses the session', async () => {
    const session = await signIn();
    const refreshed = await data<{ refreshSession: Session }>(
      null,
      `mutation($token: String!) { refreshSession(input: { refreshToken: $token }) { ${SESSION} } }`,
      {
        token: session.refreshToken,
      },
    );
    expect(await data(refreshed.refreshSession.accessToken, 'mutation { signOut }')).toEqual({ signOut: true });

    const after = await graphql(null, 'mutation($token: String!) { refreshSession(input: { refreshToken: $token }) { accessToken } }', {
      token: refreshed.refreshSession.refreshToken,
    });
    expect(after.errors?.[0]?.extensions).toEqual({ code: 'SESSION_REVOKED', field: 'refreshToken' });
    // Without a token, nothing but signing in is open.
    expect((await graphql(null, 'mutation { signOut }')).status).toBe(401);
  });

  it('confines a partner client a coordinator registered to its pod and its scopes', async () => {
    const coordinator = (await signIn()).accessToken;
    const { registerPartnerClient } = await data<{ registerPartnerClient: { clientSecret: string; client: { id: string } } }>(
      coordinator,
      'mutation { registerPartnerClient(input: { name: "Linha de apoio", scopes: [REQUESTS_READ] }) { clientSecret client { id } } }',
    );
    // The token endpoint reads the credentials from a read model, up to date a moment after registration.
    const partner = await waitFor(
      async () => {
        const response = await fetch(`${platform.membershipUrl}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: registerPartnerClient.client.id,
            client_secret: registerPartnerClient.clientSecret,
          }).toString(),
        });
        return ((await response.json()) as { access_token?: string }).access_token;
      },
      { description: 'a partner token', timeoutMs: 10_000 },
    );
    expect(decodeJwt(partner)).toMatchObject({ pod: arroios, scope: 'requests:read' });

    const open = await data<{ openRequests: { edges: { node: { title: string } }[] } }>(partner, '{ openRequests { edges { node { title } } } }');
    expect(open.openRequests.edges.map((edge) => edge.node.title)).toContain('Compras da semana');
    // Bo's request is in a pod the client was never granted: it does not exist for the client.
    expect((await data<{ request: unknown }>(partner, 'query($id: ID!) { request(id: $id) { id } }', { id: bosRequest })).request).toBeNull();

    const post = await graphql(partner, 'mutation { postRequest(input: { title: "x", language: "pt", category: OTHER }) { id } }');
    expect(post.status).toBe(403);
    expect(post.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_SCOPE');
    expect((await graphql(partner, 'mutation { joinPod(input: { displayName: "Bot" }) { id } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
