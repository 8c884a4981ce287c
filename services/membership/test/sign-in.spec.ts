import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { memberIdFor } from '@mutuo/contracts';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, JwtVerifier, loadConfig, serviceConfigSchema } from '@mutuo/platform';
import type { RunningService } from '@mutuo/service-kit';
import { waitFor } from '@mutuo/testing';
import { SignInHousekeeping } from '../src/sign-in/sign-in-housekeeping';
import { SignedInPlatform } from './support/signed-in-platform';

const REQUEST_CODE = 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { expiresAt codeLength } }';
const SESSION_FIELDS = 'accessToken tokenType expiresAt refreshToken refreshTokenExpiresAt podId pods';
const SIGN_IN = `mutation($email: String!, $code: String!, $podId: ID) { signIn(input: { email: $email, code: $code, podId: $podId }) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation($token: String!) { refreshSession(input: { refreshToken: $token }) { ${SESSION_FIELDS} } }`;
const SWITCH = `mutation($podId: ID!) { switchPod(podId: $podId) { ${SESSION_FIELDS} } }`;

interface Session {
  accessToken: string;
  tokenType: string;
  expiresAt: string;
  refreshToken: string | null;
  refreshTokenExpiresAt: string | null;
  podId: string;
  pods: string[];
}

describe('passwordless sign-in and sessions (real PostgreSQL and NATS)', () => {
  // Ana asks for a dozen codes in these tests; one IP address gets 8 tries per window.
  const MAX_CODES_PER_ADDRESS = 15;
  const platform = new SignedInPlatform({
    MEMBERSHIP_SIGN_IN_MAX_CODES_PER_ADDRESS: String(MAX_CODES_PER_ADDRESS),
    MEMBERSHIP_SIGN_IN_MAX_REQUESTS_PER_IP: '8',
  });
  let membership: RunningService;
  let regionSlug: string;
  let arroios: string;
  let graca: string;
  let campanha: string;
  const ANA = 'ana@example.org';
  /** As Ana wrote it on her channel: codes go there, whatever case the sign-in form used. */
  const ANAS_CHANNEL = 'Ana@example.org';

  const gql = <T>(bearer: string | null, query: string, variables: Record<string, unknown> = {}, ip?: string) =>
    platform.graphql<T>(membership, bearer, query, variables, ip);
  const ok = <T>(bearer: string | null, query: string, variables: Record<string, unknown> = {}, ip?: string) =>
    platform.ok<T>(membership, bearer, query, variables, ip);
  const errorOf = async (bearer: string | null, query: string, variables: Record<string, unknown>, ip?: string) =>
    (await gql(bearer, query, variables, ip)).errors?.[0];

  /** Requests a code for Ana's address and returns what was delivered to her. */
  async function deliveredCode(email: string, ip: string): Promise<string> {
    const since = platform.deliveredCount();
    await ok(null, REQUEST_CODE, { email }, ip);
    return (await platform.codeFor(ANAS_CHANNEL, since)).code;
  }

  async function signIn(ip: string, podId?: string): Promise<Session> {
    const code = await deliveredCode(ANA, ip);
    return (await ok<{ signIn: Session }>(null, SIGN_IN, { email: ANA, code, podId }, ip)).signIn;
  }

  beforeAll(async () => {
    await platform.start();
    membership = platform.membership;

    const operator = await platform.devToken('person-operator', ['operator']);
    regionSlug = `lisboa-${platform.prefix.toLowerCase()}`;
    const region = await ok<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Lisboa", slug: $slug }) { id } }',
      {
        slug: regionSlug,
      },
    );
    const createPod = async (name: string) =>
      (
        await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
          input: { regionId: region.createRegion.id, name, languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
        })
      ).createPod.id;
    [arroios, graca, campanha] = [await createPod('Arroios'), await createPod('Graça'), await createPod('Campanhã')];

    // Ana joins two pods and proves she reads mail at her address, with the same kind of code sign-in uses.
    for (const podId of [arroios, graca]) {
      await ok(await platform.devToken('person-ana', ['member'], podId), 'mutation { joinPod(input: { displayName: "Ana", preferredLanguage: "pt" }) { id } }');
    }
    const ana = await platform.devToken('person-ana', ['member'], arroios);
    const added = await ok<{ addContactChannel: { contactChannels: { id: string }[] } }>(
      ana,
      'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id } } }',
      { value: 'Ana@Example.org' },
    );
    const channelId = added.addContactChannel.contactChannels[0]!.id;
    const since = platform.deliveredCount();
    await ok(ana, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: channelId }, '198.51.100.200');
    const delivery = await platform.codeFor(ANAS_CHANNEL, since);
    expect(delivery.event).toMatchObject({ purpose: 'contact-verification', channel: 'email', locale: 'pt' });
    const verified = await ok<{ verifyContactChannel: { contactChannels: { verification: string }[] } }>(
      ana,
      'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { contactChannels { verification } } }',
      { id: channelId, code: delivery.code },
    );
    expect(verified.verifyContactChannel.contactChannels).toEqual([{ verification: 'VERIFIED' }]);
    await waitFor(async () => (await platform.sql('select 1 from sign_in_email_index where verified_at is not null')).length === 1, {
      description: 'the e-mail index to list the verified address',
      timeoutMs: 10_000,
    });
  }, 120_000);

  afterAll(() => platform.stop(), 60_000);

  it('signs a person in with a code sent to their verified address, issuing an ES256 token others verify against the JWKS', async () => {
    const since = platform.deliveredCount();
    const answer = await ok<{ requestSignInCode: { expiresAt: string; codeLength: number } }>(
      null,
      REQUEST_CODE,
      { email: ' ANA@example.ORG ' },
      '198.51.100.10',
    );
    expect(answer.requestSignInCode.codeLength).toBe(6);
    const delivery = await platform.codeFor(ANAS_CHANNEL, since);
    expect(delivery.event).toMatchObject({ purpose: 'sign-in', locale: 'pt', expiresAt: answer.requestSignInCode.expiresAt });
    // What travels and what is stored reveal neither the address nor the code.
    const stored = await platform.sql("select to_jsonb(e) as row from mutuo_events e where type = 'SignInCodeRequested'");
    expect(stored.length).toBeGreaterThan(0);
    expect(JSON.stringify(stored)).not.toMatch(new RegExp(`example\\.org|${delivery.code}`, 'i'));

    const { signIn } = await ok<{ signIn: Session }>(null, SIGN_IN, { email: ANA, code: delivery.code }, '198.51.100.10');
    expect(signIn).toMatchObject({ tokenType: 'Bearer', podId: arroios, refreshToken: expect.stringMatching(/^mrt_/) });
    expect(signIn.pods).toEqual([arroios, graca].sort());
    expect(Date.parse(signIn.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    const jwksResponse = await fetch(`${membership.url}/.well-known/jwks.json`);
    expect(jwksResponse.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=60');
    const jwks = (await jwksResponse.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([platform.signingKey.publicJwk]);
    const { payload, protectedHeader } = await jwtVerify(signIn.accessToken, createLocalJWKSet(jwks as never), {
      issuer: DEV_JWT_ISSUER,
      audience: DEV_JWT_AUDIENCE,
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: platform.signingKey.kid });
    expect(payload).toMatchObject({ sub: 'person-ana', pod: arroios, region: regionSlug, roles: ['member'], sid: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(900);

    // Another service, configured with nothing but membership's JWKS URL, accepts the token.
    const elsewhere = JwtVerifier.fromConfig(
      loadConfig(serviceConfigSchema('requests'), { JWT_JWKS_URL: `${membership.url}/.well-known/jwks.json`, JWT_ALGORITHMS: 'ES256' }),
    );
    await expect(elsewhere.verify(signIn.accessToken)).resolves.toMatchObject({
      subject: 'person-ana',
      podId: arroios,
      regionId: regionSlug,
      roles: ['member'],
      sessionId: decodeJwt(signIn.accessToken).sid,
    });
    const me = await ok<{ me: { id: string } }>(signIn.accessToken, '{ me { id } }');
    expect(me.me.id).toBe(memberIdFor(arroios, 'person-ana'));
  });

  it('answers exactly the same for an address nobody has, and sends its code all the same (a newcomer signs in that way)', async () => {
    const since = platform.deliveredCount();
    const unknown = await gql<{ requestSignInCode: { codeLength: number } }>(null, REQUEST_CODE, { email: 'nobody@example.org' }, '198.51.100.11');
    expect(unknown.errors).toBeUndefined();
    expect(Object.keys(unknown.data!.requestSignInCode)).toEqual(['expiresAt', 'codeLength']);
    const delivery = await platform.codeFor('nobody@example.org', since);
    expect(delivery.event).toMatchObject({ purpose: 'sign-in', channel: 'email', locale: 'en' });
    const wrong = delivery.code === '123456' ? '654321' : '123456';
    expect(await errorOf(null, SIGN_IN, { email: 'nobody@example.org', code: wrong }, '198.51.100.11')).toMatchObject({
      extensions: { code: 'CODE_INVALID', field: 'code' },
    });
  });

  it('uses a code once only', async () => {
    const code = await deliveredCode(ANA, '198.51.100.12');
    await ok(null, SIGN_IN, { email: ANA, code }, '198.51.100.12');

    expect(await errorOf(null, SIGN_IN, { email: ANA, code }, '198.51.100.12')).toMatchObject({
      message: 'This code is not valid: check it, or ask for a new one',
      extensions: { code: 'CODE_INVALID', field: 'code' },
    });
  });

  it('refuses an expired code as expired, and a code superseded by a newer one', async () => {
    const first = await deliveredCode(ANA, '198.51.100.13');
    const second = await deliveredCode(ANA, '198.51.100.13');
    expect(await errorOf(null, SIGN_IN, { email: ANA, code: first }, '198.51.100.13')).toMatchObject({ extensions: { code: 'CODE_INVALID' } });

    // Ten minutes pass.
    await platform.sql("update sign_in_codes set expires_at = now() - interval '1 second' where consumed_at is null and superseded_at is null");
    expect(await errorOf(null, SIGN_IN, { email: ANA, code: second }, '198.51.100.13')).toMatchObject({
      message: 'This code has expired: ask for a new one',
      extensions: { code: 'CODE_EXPIRED', field: 'code' },
    });
  });

  it('locks a code after five wrong guesses, so even the right one fails after a brute-force attempt', async () => {
    const code = await deliveredCode(ANA, '198.51.100.14');
    const wrong = (n: number) => String((Number(code) + n) % 1_000_000).padStart(6, '0');
    const codes: (string | undefined)[] = [];
    for (let guess = 1; guess <= 5; guess++) {
      // From several addresses, as a distributed attack would: the lock is on the code, not the caller.
      codes.push((await errorOf(null, SIGN_IN, { email: ANA, code: wrong(guess) }, `198.51.100.${20 + guess}`))?.extensions?.code);
    }
    expect(codes).toEqual(['CODE_INVALID', 'CODE_INVALID', 'CODE_INVALID', 'CODE_INVALID', 'CODE_LOCKED']);

    expect(await errorOf(null, SIGN_IN, { email: ANA, code }, '198.51.100.26')).toMatchObject({ extensions: { code: 'CODE_LOCKED', field: 'code' } });
  });

  it('limits the codes one address is sent per window, whoever asks and whether or not the address exists', async () => {
    for (const email of ['cleo@example.org', 'ghost@example.org']) {
      for (let request = 1; request <= MAX_CODES_PER_ADDRESS; request++) await ok(null, REQUEST_CODE, { email }, `203.0.113.${request}`);
      expect(await errorOf(null, REQUEST_CODE, { email }, '203.0.113.99')).toMatchObject({ extensions: { code: 'RATE_LIMITED', field: 'email' } });
    }
  });

  it('limits the code requests and guesses one IP address makes per window', async () => {
    const ip = '192.0.2.77';
    for (let request = 1; request <= 4; request++) await ok(null, REQUEST_CODE, { email: `someone-${request}@example.org` }, ip);
    for (let guess = 1; guess <= 4; guess++) {
      expect((await errorOf(null, SIGN_IN, { email: `someone-${guess}@example.org`, code: '000000' }, ip))?.extensions?.code).toBe('CODE_INVALID');
    }

    const limited = await errorOf(null, REQUEST_CODE, { email: 'someone-else@example.org' }, ip);
    expect(limited).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(limited?.message).toMatch(/^Too many attempts: try again in \d+ minute\(s\)$/);
    expect(await errorOf(null, SIGN_IN, { email: ANA, code: '000000' }, ip)).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
  });

  it('rotates refresh tokens, and ends the whole session when a rotated one comes back', async () => {
    const session = await signIn('198.51.100.30');
    const { refreshSession: next } = await ok<{ refreshSession: Session }>(null, REFRESH, { token: session.refreshToken });
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(decodeJwt(next.accessToken).sid).toBe(decodeJwt(session.accessToken).sid);

    expect(await errorOf(null, REFRESH, { token: session.refreshToken })).toMatchObject({
      extensions: { code: 'REFRESH_TOKEN_REUSED', field: 'refreshToken' },
    });
    // The thief and the person now both have to sign in again.
    expect(await errorOf(null, REFRESH, { token: next.refreshToken })).toMatchObject({ extensions: { code: 'SESSION_REVOKED' } });
    expect(await errorOf(null, REFRESH, { token: 'mrt_made-up' })).toMatchObject({ extensions: { code: 'REFRESH_TOKEN_INVALID' } });
  });

  it('signs out: the session and every refresh token of it stop working', async () => {
    const session = await signIn('198.51.100.31');
    expect(await ok(session.accessToken, 'mutation { signOut }')).toEqual({ signOut: true });

    expect(await errorOf(null, REFRESH, { token: session.refreshToken })).toMatchObject({ extensions: { code: 'SESSION_REVOKED' } });
  });

  it('switches to another pod of the person, and refreshes stay there; never into a pod they do not belong to', async () => {
    const session = await signIn('198.51.100.32');
    const { switchPod } = await ok<{ switchPod: Session }>(session.accessToken, SWITCH, { podId: graca });
    expect(switchPod).toMatchObject({ podId: graca, refreshToken: null });
    expect(decodeJwt(switchPod.accessToken)).toMatchObject({ pod: graca, sub: 'person-ana' });

    const { refreshSession } = await ok<{ refreshSession: Session }>(null, REFRESH, { token: session.refreshToken });
    expect(decodeJwt(refreshSession.accessToken).pod).toBe(graca);

    expect(await errorOf(switchPod.accessToken, SWITCH, { podId: campanha })).toMatchObject({ extensions: { code: 'NOT_A_MEMBER', field: 'podId' } });
    const code = await deliveredCode(ANA, '198.51.100.33');
    expect(await errorOf(null, SIGN_IN, { email: ANA, code, podId: campanha }, '198.51.100.33')).toMatchObject({
      extensions: { code: 'NOT_A_MEMBER', field: 'podId' },
    });
    // Refused before it was used up: the same code still opens a pod she belongs to.
    expect((await ok<{ signIn: Session }>(null, SIGN_IN, { email: ANA, code, podId: graca }, '198.51.100.33')).signIn.podId).toBe(graca);
  });

  it('puts the roles a person holds now into each new token', async () => {
    const operator = await platform.devToken('person-operator', ['operator']);
    await ok(operator, 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }', {
      input: { podId: arroios, memberId: memberIdFor(arroios, 'person-ana'), role: 'coordinator' },
    });
    const session = await signIn('198.51.100.34', arroios);
    const roles = await waitFor(
      async () => {
        const refreshed = (await ok<{ refreshSession: Session }>(null, REFRESH, { token: session.refreshToken })).refreshSession;
        session.refreshToken = refreshed.refreshToken;
        const claimed = decodeJwt(refreshed.accessToken).roles as string[];
        return claimed.includes('coordinator') ? claimed : undefined;
      },
      { description: 'the role read model to show the new coordinator', timeoutMs: 10_000 },
    );
    expect(roles).toEqual(['member', 'coordinator']);
  });

  it('purges what can never be used again: expired codes, past rate windows, ended sessions with their tokens', async () => {
    await platform.sql("update sign_in_codes set expires_at = now() - interval '2 days'");
    await platform.sql("update sign_in_rate_limits set window_start = now() - interval '3 days'");
    await platform.sql("update sign_in_sessions set revoked_at = now() - interval '2 days' where revoked_at is not null");

    const purged = await membership.app.get(SignInHousekeeping).purge();

    expect(purged.codes).toBeGreaterThan(0);
    expect(purged.rateLimits).toBeGreaterThan(0);
    expect(purged.sessions).toBeGreaterThan(0);
    const left = await platform.sql<{ codes: number; orphans: number }>(
      `select (select count(*)::int from sign_in_codes) as codes,
              (select count(*)::int from sign_in_refresh_tokens t where not exists (select 1 from sign_in_sessions s where s.session_id = t.session_id)) as orphans`,
    );
    expect(left).toEqual([{ codes: 0, orphans: 0 }]);
  });

  it('refuses bad input naming the field', async () => {
    expect(await errorOf(null, REQUEST_CODE, { email: 'not-an-address' })).toMatchObject({ extensions: { code: 'INVALID_EMAIL', field: 'email' } });
    expect(await errorOf(null, SIGN_IN, { email: ANA, code: '12ab56' })).toMatchObject({ extensions: { code: 'CODE_INVALID', field: 'code' } });
    expect(await errorOf(null, SIGN_IN, { email: ANA, code: '123456', podId: 'pod-1' })).toMatchObject({
      extensions: { code: 'INVALID_POD_ID', field: 'podId' },
    });
  });
});
