import { decodeJwt } from 'jose';
import { memberIdFor } from '@mutuo/contracts';
import type { RunningService } from '@mutuo/service-kit';
import { waitFor } from '@mutuo/testing';
import { SignedInPlatform } from './support/signed-in-platform';
import { ARROIOS_SERVICE_AREA } from './support/service-area';

const REQUEST_CODE = 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { expiresAt codeLength } }';
const SESSION_FIELDS = 'accessToken refreshToken podId pods';
const SIGN_IN = `mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation($token: String!) { refreshSession(input: { refreshToken: $token }) { ${SESSION_FIELDS} } }`;
const SWITCH = `mutation($podId: ID!) { switchPod(podId: $podId) { ${SESSION_FIELDS} } }`;
const CREATE_REGION = 'mutation($slug: String!) { createRegion(input: { name: "Região", slug: $slug }) { id slug } }';
const CREATE_POD = 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }';
const JOIN = 'mutation($input: JoinPodInput!) { joinPod(input: $input) { id } }';
const APPLY = 'mutation($input: ApplyToRegionInput!) { applyToRegion(input: $input) { id status } }';
const APPLICATIONS = 'query($regionId: ID!) { podApplications(regionId: $regionId) { edges { node { id name } } } }';
const APPROVE = 'mutation($id: ID!) { approvePodApplication(id: $id) { id name } }';
const DECLINE = 'mutation($id: ID!) { declinePodApplication(input: { id: $id, reason: "Not our region" }) { id status } }';

interface Session {
  accessToken: string;
  refreshToken: string | null;
  podId: string | null;
  pods: string[];
}

describe('sign-in for newcomers, operators and region stewards (real PostgreSQL and NATS)', () => {
  // Configured in other case and spacing than people type them: addresses compare as sign-in hashes them.
  const platform = new SignedInPlatform({
    MEMBERSHIP_OPERATOR_EMAILS: ' Olga@OPS.example.org ',
    MEMBERSHIP_REGION_STEWARDS: 'stella@example.org=lisboa, Pia@Example.org=porto',
  });
  let membership: RunningService;
  let lisboa: string;
  let porto: string;
  let arroios: string;

  const gql = <T>(bearer: string | null, query: string, variables: Record<string, unknown> = {}, ip?: string) =>
    platform.graphql<T>(membership, bearer, query, variables, ip);
  const ok = <T>(bearer: string | null, query: string, variables: Record<string, unknown> = {}, ip?: string) =>
    platform.ok<T>(membership, bearer, query, variables, ip);
  const errorOf = async (bearer: string | null, query: string, variables: Record<string, unknown> = {}) =>
    (await gql(bearer, query, variables)).errors?.[0]?.extensions;

  /** Asks for a code as anyone would, reads it as notifications would, and signs in with it. */
  async function signIn(email: string, ip: string): Promise<Session> {
    const since = platform.deliveredCount();
    await ok(null, REQUEST_CODE, { email }, ip);
    const delivery = await platform.codeFor(email, since);
    expect(delivery.event).toMatchObject({ purpose: 'sign-in', channel: 'email' });
    return (await ok<{ signIn: Session }>(null, SIGN_IN, { email, code: delivery.code }, ip)).signIn;
  }

  /** Pod membership reaches sign-in through a projection: switching waits until it is there. */
  const switchInto = (session: Session, podId: string) =>
    waitFor(async () => (await gql<{ switchPod: Session }>(session.accessToken, SWITCH, { podId })).data?.switchPod, {
      description: `a switch into pod ${podId}`,
      timeoutMs: 10_000,
    });

  const applicationTo = (regionId: string, name: string, applicantDisplayName: string) => ({
    input: {
      regionId,
      name,
      description: 'Neighbours helping neighbours',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
      serviceArea: ARROIOS_SERVICE_AREA,
      applicantDisplayName,
    },
  });

  beforeAll(async () => {
    await platform.start();
    membership = platform.membership;
    const olga = await signIn('olga@ops.example.org', '198.51.100.50');
    lisboa = (await ok<{ createRegion: { id: string } }>(olga.accessToken, CREATE_REGION, { slug: 'lisboa' })).createRegion.id;
    porto = (await ok<{ createRegion: { id: string } }>(olga.accessToken, CREATE_REGION, { slug: 'porto' })).createRegion.id;
    arroios = (
      await ok<{ createPod: { id: string } }>(olga.accessToken, CREATE_POD, {
        input: { regionId: lisboa, name: 'Arroios', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
  }, 120_000);

  afterAll(() => platform.stop(), 60_000);

  it('signs a configured operator in with the operator role and no pod, and lets them create a region', async () => {
    const olga = await signIn('OLGA@ops.example.org', '198.51.100.51');
    expect(olga).toMatchObject({ podId: null, pods: [], refreshToken: expect.stringMatching(/^mrt_/) });
    const claims = decodeJwt(olga.accessToken);
    expect(claims.roles).toEqual(['operator']);
    expect(claims.pod).toBeUndefined();

    const { createRegion } = await ok<{ createRegion: { slug: string } }>(olga.accessToken, CREATE_REGION, { slug: 'faro' });
    expect(createRegion.slug).toBe('faro');
    // A refresh re-reads the configuration and keeps the role.
    const refreshed = await ok<{ refreshSession: Session }>(null, REFRESH, { token: olga.refreshToken });
    expect(decodeJwt(refreshed.refreshSession.accessToken)).toMatchObject({ sub: claims.sub, roles: ['operator'] });
  });

  it('signs a newcomer in with no pod and no roles; she joins an open pod, switches to it and sees herself', async () => {
    const nina = await signIn('nina@example.org', '198.51.100.52');
    expect(nina).toMatchObject({ podId: null, pods: [] });
    const claims = decodeJwt(nina.accessToken);
    expect(claims).toMatchObject({ roles: [], sid: expect.any(String) });
    expect(claims.pod).toBeUndefined();
    expect(claims.region).toBeUndefined();
    // The person id is derived from the address, never the address itself, and stays the same at the next sign-in.
    expect(claims.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    // Nothing pod-scoped, nothing of an operator.
    expect(await errorOf(nina.accessToken, 'mutation { leavePod { id } }')).toMatchObject({ code: 'FORBIDDEN' });
    expect(await ok(nina.accessToken, '{ me { id } }')).toEqual({ me: null });
    expect(await errorOf(nina.accessToken, CREATE_REGION, { slug: 'braga' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(nina.accessToken, JOIN, { input: { displayName: 'Nina' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'podId' });

    const memberId = memberIdFor(arroios, claims.sub!);
    expect(await ok(nina.accessToken, JOIN, { input: { podId: arroios, displayName: 'Nina', preferredLanguage: 'pt' } })).toEqual({
      joinPod: { id: memberId },
    });
    const switched = await switchInto(nina, arroios);
    expect(switched).toMatchObject({ podId: arroios, pods: [arroios] });
    expect(decodeJwt(switched.accessToken)).toMatchObject({ sub: claims.sub, pod: arroios, region: 'lisboa', roles: ['member'] });
    // The member read model follows the join a moment later.
    const me = await waitFor(async () => (await ok<{ me: { id: string; displayName: string } | null }>(switched.accessToken, '{ me { id displayName } }')).me, {
      description: 'Nina in the member read model',
      timeoutMs: 10_000,
    });
    expect(me).toEqual({ id: memberId, displayName: 'Nina' });

    // The session stays in the pod at the next refresh, and the next sign-in starts there.
    const refreshed = await ok<{ refreshSession: Session }>(null, REFRESH, { token: nina.refreshToken });
    expect(refreshed.refreshSession.podId).toBe(arroios);
    const again = await signIn('nina@example.org', '198.51.100.53');
    expect(again.podId).toBe(arroios);
    expect(decodeJwt(again.accessToken).sub).toBe(claims.sub);
  });

  it('lets a configured region steward decide applications in her region but not in another', async () => {
    const rui = await signIn('rui@example.org', '198.51.100.54');
    const rita = await signIn('rita@example.org', '198.51.100.55');
    const inLisboa = (await ok<{ applyToRegion: { id: string; status: string } }>(rui.accessToken, APPLY, applicationTo(lisboa, 'Graça', 'Rui'))).applyToRegion;
    const inPorto = (await ok<{ applyToRegion: { id: string; status: string } }>(rita.accessToken, APPLY, applicationTo(porto, 'Bonfim', 'Rita')))
      .applyToRegion;
    expect([inLisboa.status, inPorto.status]).toEqual(['PENDING', 'PENDING']);

    const stella = await signIn('stella@example.org', '198.51.100.56');
    expect(stella.podId).toBeNull();
    expect(decodeJwt(stella.accessToken)).toMatchObject({ roles: ['region-steward'], region: 'lisboa' });
    // A steward is no operator.
    expect(await errorOf(stella.accessToken, CREATE_REGION, { slug: 'braga' })).toMatchObject({ code: 'FORBIDDEN' });

    const queue = await waitFor(
      async () => {
        const { podApplications } = await ok<{ podApplications: { edges: { node: { id: string } }[] } }>(stella.accessToken, APPLICATIONS, {
          regionId: lisboa,
        });
        return podApplications.edges.length > 0 ? podApplications : null;
      },
      { description: 'the application in the steward’s queue' },
    );
    expect(queue.edges.map((edge) => edge.node.id)).toEqual([inLisboa.id]);
    expect(await errorOf(stella.accessToken, APPLICATIONS, { regionId: porto })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(stella.accessToken, APPROVE, { id: inPorto.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(stella.accessToken, DECLINE, { id: inPorto.id })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await ok(stella.accessToken, APPROVE, { id: inLisboa.id })).toEqual({ approvePodApplication: { id: inLisboa.id, name: 'Graça' } });

    // Porto's steward decides Porto's.
    const pia = await signIn('pia@example.org', '198.51.100.57');
    expect(await ok(pia.accessToken, DECLINE, { id: inPorto.id })).toEqual({ declinePodApplication: { id: inPorto.id, status: 'DECLINED' } });

    // Rui, a newcomer a moment ago, switches into the pod he founded, as its coordinator (once the read models have it).
    const founded = await waitFor(
      async () => {
        const claims = decodeJwt((await switchInto(rui, inLisboa.id)).accessToken);
        return claims.region === 'lisboa' && (claims.roles as string[]).includes('coordinator') ? claims : null;
      },
      { description: 'a token for the founded pod naming its region and the coordinator role', timeoutMs: 10_000 },
    );
    expect(founded).toMatchObject({ pod: inLisboa.id, roles: ['member', 'coordinator'] });
  });
});
