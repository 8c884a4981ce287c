import { AsyncLocalStorage } from 'node:async_hooks';
import { onStatement } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import type { RunningService } from '@mutuo/service-kit';
import { waitFor } from '@mutuo/testing';
import { SignInHandler } from '../src/sign-in/sign-in.handler';
import { SignedInPlatform } from './support/signed-in-platform';

const REQUEST_CODE = 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { expiresAt codeLength } }';
const SIGN_IN = 'mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { accessToken podId } }';

/** Six digits that are none of `codes`. */
function wrongGuesses(count: number, codes: readonly string[]): string[] {
  const guesses: string[] = [];
  for (let n = 1; guesses.length < count; n++) {
    const guess = String((Number(codes[0]) + n * 7919) % 1_000_000).padStart(6, '0');
    if (!codes.includes(guess)) guesses.push(guess);
  }
  return guesses;
}

describe('sign-in budgets per address and requester (real PostgreSQL and NATS, default limits)', () => {
  // The default limits: 5 codes per address and window, 30 requests per IP, 5 wrong guesses per code.
  const platform = new SignedInPlatform();
  let membership: RunningService;

  const gql = (query: string, variables: Record<string, unknown>, ip: string) => platform.graphql(membership, null, query, variables, ip);
  const ok = <T>(query: string, variables: Record<string, unknown>, ip: string) => platform.ok<T>(membership, null, query, variables, ip);
  const errorOf = async (query: string, variables: Record<string, unknown>, ip: string) => (await gql(query, variables, ip)).errors?.[0];

  async function requestedCode(email: string, ip: string): Promise<string> {
    const since = platform.deliveredCount();
    await ok(REQUEST_CODE, { email }, ip);
    return (await platform.codeFor(email, since)).code;
  }

  async function signInFrom(email: string, ip: string): Promise<{ accessToken: string }> {
    const code = await requestedCode(email, ip);
    return (await ok<{ signIn: { accessToken: string } }>(SIGN_IN, { email, code }, ip)).signIn;
  }

  beforeAll(async () => {
    await platform.start();
    membership = platform.membership;
  }, 120_000);

  afterAll(() => platform.stop(), 60_000);

  it("does not let strangers who spend an address's budget and guess its codes keep the owner from signing in where she did before", async () => {
    const olga = 'olga@example.org';
    const home = '198.51.100.50';
    await signInFrom(olga, home);

    // An attacker asks for Olga's codes from one address after another until the budget strangers share is spent
    // (her own first request, from home before it was known, was one of its five).
    const attackFrom = (n: number) => `203.0.113.${n}`;
    const sinceAttack = platform.deliveredCount();
    for (let request = 1; request <= 4; request++) await ok(REQUEST_CODE, { email: olga }, attackFrom(request));
    expect(await errorOf(REQUEST_CODE, { email: olga }, attackFrom(5))).toMatchObject({ extensions: { code: 'RATE_LIMITED', field: 'email' } });
    const attackersCode = await waitFor(
      () =>
        platform
          .deliveries()
          .slice(sinceAttack)
          .filter((delivery) => delivery.to === olga)[3]?.code,
      {
        description: "the attacker's four codes",
        timeoutMs: 10_000,
      },
    );

    // Olga, at home, still gets a code; the attacker guesses at it from many addresses, and even the right digits
    // are refused from elsewhere once strangers used up their attempts.
    const code = await requestedCode(olga, home);
    const guesses = wrongGuesses(8, [code, attackersCode]);
    const refusals: (string | undefined)[] = [];
    for (const [n, guess] of guesses.entries()) refusals.push((await errorOf(SIGN_IN, { email: olga, code: guess }, attackFrom(20 + n)))?.extensions?.code);
    expect(refusals).toEqual(['CODE_INVALID', 'CODE_INVALID', 'CODE_INVALID', 'CODE_INVALID', 'CODE_LOCKED', 'CODE_LOCKED', 'CODE_LOCKED', 'CODE_LOCKED']);
    expect(await errorOf(SIGN_IN, { email: olga, code }, attackFrom(40))).toMatchObject({ extensions: { code: 'CODE_LOCKED', field: 'code' } });
    expect(await errorOf(SIGN_IN, { email: olga, code: attackersCode }, attackFrom(41))).toMatchObject({ extensions: { code: 'CODE_LOCKED' } });

    // At home her code opens a session.
    const session = await ok<{ signIn: { accessToken: string } }>(SIGN_IN, { email: olga, code }, home);
    expect(session.signIn.accessToken).toEqual(expect.any(String));
    // Her home keeps a budget of its own: five codes this window, then it too is limited.
    for (let request = 2; request <= 5; request++) await ok(REQUEST_CODE, { email: olga }, home);
    expect(await errorOf(REQUEST_CODE, { email: olga }, home)).toMatchObject({ extensions: { code: 'RATE_LIMITED', field: 'email' } });
  });

  it('lets a developer run the demo seed and then sign in by hand a few times from one machine', async () => {
    const localhost = '127.0.0.1';
    const demo = ['operator@seed.example.org', ...['ana', 'bruno', 'carla', 'dev', 'eva'].map((name) => `${name}@seed.example.org`)];
    const sessions: unknown[] = [];
    // What the seed does: everyone signs in once as a newcomer, then each member again, into their pod (22 requests).
    for (const email of demo) sessions.push(await signInFrom(email, localhost));
    for (const email of demo.slice(1)) sessions.push(await signInFrom(email, localhost));
    // Then the developer signs in by hand as the demo people and with a few new addresses: only requests for an
    // address this machine never signed in with count against its 30.
    for (const email of [...demo, 'me@seed.example.org', 'friend@seed.example.org', 'third@seed.example.org'])
      sessions.push(await signInFrom(email, localhost));
    expect(sessions).toHaveLength(20);
  });

  it('runs the same statements for an address a member verified as for one nobody has (no timing tells them apart)', async () => {
    const verified = 'vera@example.org';
    await verifiedMember(verified);
    const handler = membership.app.get(SignInHandler);
    const recording = new AsyncLocalStorage<string[]>();
    const record = (sql: string) => recording.getStore()?.push(sql);
    const statementsOf = async (work: () => Promise<unknown>) => {
      const statements: string[] = [];
      await recording.run(statements, () => work().catch(() => undefined));
      return statements;
    };
    const ctx = (n: number): RequestContext => ({ correlationId: `timing-${n}`, clientIp: `192.0.2.${n}` });
    // The projections would otherwise be woken inside the recorded calls and add statements of their own.
    await membership.projections.stop();
    const stopRecording = onStatement(membership.orm.em, record);
    try {
      const member = await statementsOf(() => handler.requestCode({ email: verified }, ctx(1)));
      const nobody = await statementsOf(() => handler.requestCode({ email: 'nobody-at-all@example.org' }, ctx(2)));
      expect(member.length).toBeGreaterThan(5);
      expect(nobody).toEqual(member);
      const memberGuess = await statementsOf(() => handler.signIn({ email: verified, code: '000000' }, ctx(3)));
      const nobodyGuess = await statementsOf(() => handler.signIn({ email: 'nobody-at-all@example.org', code: '000000' }, ctx(4)));
      expect(memberGuess.length).toBeGreaterThan(3);
      expect(nobodyGuess).toEqual(memberGuess);
    } finally {
      stopRecording();
      membership.projections.start();
    }
    // The member's code went to her channel, in her language: the recorded path was the member's.
    expect(
      platform
        .deliveries()
        .filter((delivery) => delivery.to === verified)
        .at(-1)?.event.locale,
    ).toBe('pt');
  });

  /** A member in a new pod whose e-mail channel at `email` is verified and listed in the sign-in index. */
  async function verifiedMember(email: string): Promise<void> {
    const operator = await platform.devToken('person-operator', ['operator']);
    const region = await platform.ok<{ createRegion: { id: string } }>(
      membership,
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Porto", slug: $slug }) { id } }',
      {
        slug: `porto-${platform.prefix.toLowerCase()}`,
      },
    );
    const pod = await platform.ok<{ createPod: { id: string } }>(
      membership,
      operator,
      'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }',
      {
        input: { regionId: region.createRegion.id, name: 'Bonfim', languages: ['pt'], timezone: 'Europe/Lisbon' },
      },
    );
    const member = await platform.devToken('person-vera', ['member'], pod.createPod.id);
    await platform.ok(membership, member, 'mutation { joinPod(input: { displayName: "Vera", preferredLanguage: "pt" }) { id } }');
    const added = await platform.ok<{ addContactChannel: { contactChannels: { id: string }[] } }>(
      membership,
      member,
      'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id } } }',
      { value: email },
    );
    const channelId = added.addContactChannel.contactChannels[0]!.id;
    const since = platform.deliveredCount();
    await platform.ok(membership, member, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: channelId });
    const { code } = await platform.codeFor(email, since);
    await platform.ok(membership, member, 'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { id } }', {
      id: channelId,
      code,
    });
    await waitFor(async () => (await platform.sql('select 1 from sign_in_email_index where verified_at is not null')).length === 1, {
      description: 'the e-mail index to list the verified address',
      timeoutMs: 10_000,
    });
  }
});
