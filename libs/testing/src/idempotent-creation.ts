import { Client } from 'pg';
import type { GraphQLTestResult } from './service-under-test';
import { uniqueSuffix } from './unique-suffix';

/** A creating mutation of a service under test, as the shared idempotency cases call it. */
export interface IdempotentCreationProbe {
  /** The owner's URL of the service database: the cases count the creating events there. */
  readonly adminUrl: string;
  /** The event the mutation appends once per thing created. */
  readonly eventType: string;
  /**
   * Calls the mutation as the (fresh) signed-in `subject` with `idempotencyKey` (omitted when null); `variant` goes
   * into one input field, so two calls with different variants ask for different things.
   */
  create(subject: string, idempotencyKey: string | null, variant: string): Promise<GraphQLTestResult<Record<string, unknown>>>;
  /** The created thing's id in the mutation's data. */
  idOf(data: Record<string, unknown>): string;
}

/**
 * The cases every creating mutation must pass: a retry with the same key and input returns the first result and
 * creates nothing; a concurrent double submit creates one; the same key with other input is refused with
 * IDEMPOTENCY_KEY_REUSED; a malformed key is refused with BAD_USER_INPUT on `idempotencyKey`; without a key, every
 * call creates. Each case signs in as a fresh subject and counts the creating events that subject caused.
 */
export function itCreatesOncePerIdempotencyKey(name: string, probe: () => IdempotentCreationProbe, timeoutMs = 30_000): void {
  const freshSubject = () => `idem-${uniqueSuffix()}`;
  const created = async (subject: string, key: string | null, variant: string) => {
    const result = await probe().create(subject, key, variant);
    expect(result.errors).toBeUndefined();
    return probe().idOf(result.data!);
  };
  const eventsBy = (subject: string) => countEvents(probe().adminUrl, probe().eventType, subject);

  describe(`${name}: idempotency key`, () => {
    it(
      'a retry with the same key and input returns the first result and creates nothing',
      async () => {
        const subject = freshSubject();
        const first = await created(subject, 'retry-after-lost-response', 'first');
        const retry = await created(subject, 'retry-after-lost-response', 'first');
        expect(retry).toBe(first);
        expect(await eventsBy(subject)).toBe(1);
      },
      timeoutMs,
    );

    it(
      'a concurrent double submit creates one',
      async () => {
        const subject = freshSubject();
        const ids = await Promise.all([1, 2, 3].map(() => created(subject, 'double-submit', 'same')));
        expect(new Set(ids).size).toBe(1);
        expect(await eventsBy(subject)).toBe(1);
      },
      timeoutMs,
    );

    it(
      'the same key with different input is refused with IDEMPOTENCY_KEY_REUSED',
      async () => {
        const subject = freshSubject();
        await created(subject, 'reused-key', 'first');
        const reused = await probe().create(subject, 'reused-key', 'second');
        expect(reused.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
        expect(await eventsBy(subject)).toBe(1);
      },
      timeoutMs,
    );

    it(
      'a malformed key is refused with BAD_USER_INPUT on idempotencyKey, creating nothing',
      async () => {
        const subject = freshSubject();
        const result = await probe().create(subject, 'not a key!', 'first');
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'idempotencyKey' });
        expect(await eventsBy(subject)).toBe(0);
      },
      timeoutMs,
    );

    it(
      'without a key every call creates',
      async () => {
        const subject = freshSubject();
        const [first, second] = [await created(subject, null, 'first'), await created(subject, null, 'first')];
        expect(second).not.toBe(first);
        expect(await eventsBy(subject)).toBe(2);
      },
      timeoutMs,
    );
  });
}

/** Events of `type` whose command `subject` gave (event metadata keeps the caller's subject as `actorId`). */
export async function countEvents(adminUrl: string, type: string, subject: string): Promise<number> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from mutuo_events where type = $1 and metadata->>'actorId' = $2`, [
      type,
      subject,
    ]);
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}
