import { randomUUID } from 'node:crypto';
import { PodCreatedV1, RoleGrantedV1, memberIdFor } from '@mutuo/contracts';
import { itCreatesOncePerIdempotencyKey, waitFor } from '@mutuo/testing';
import { startFunds, type FundsHarness } from './funds-harness';

/** Funds' creating mutations take an idempotency key besides their own optional ids (real PostgreSQL and NATS). */
describe('funds idempotency keys (real PostgreSQL and NATS)', () => {
  let h: FundsHarness;
  const podId = randomUUID();
  const treasurers = new Map<string, Promise<void>>();

  beforeAll(async () => {
    h = await startFunds('funds_idempotency');
    await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
  }, 60_000);
  afterAll(() => h?.stop(), 30_000);

  /** Funds learns roles from membership's events: each fresh subject becomes a treasurer once, before it records. */
  const asTreasurer = (subject: string) => {
    const memberId = memberIdFor(podId, subject);
    if (!treasurers.has(subject)) {
      treasurers.set(
        subject,
        (async () => {
          await h.publish(RoleGrantedV1, `pod-roles:${podId}:${podId}`, podId, {
            podId,
            termId: randomUUID(),
            memberId,
            role: 'treasurer',
            termStart: '2026-01-01T00:00:00.000Z',
            termEnd: '2027-01-01T00:00:00.000Z',
            consecutiveTerms: 1,
            via: 'grant',
          });
          await waitFor(async () => (await h.adminQuery('select 1 from funds_role_holders where member_id = $1', [memberId])).length > 0, {
            description: 'funds to know the treasurer',
            timeoutMs: 20_000,
          });
        })(),
      );
    }
    return treasurers.get(subject)!;
  };

  itCreatesOncePerIdempotencyKey(
    'recordContribution',
    () => ({
      adminUrl: h.sut.db.adminUrl,
      eventType: 'ContributionRecorded',
      create: async (subject: string, idempotencyKey: string | null, variant: string) => {
        await asTreasurer(subject);
        return h.sut.graphql<Record<string, unknown>>(
          await h.sut.token(subject, podId, ['member']),
          'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }',
          {
            input: {
              currency: 'EUR',
              amountMinor: 2_500,
              method: 'bank-transfer',
              sourceKind: 'individual',
              processorReference: `ref-${variant}`,
              anonymous: true,
              idempotencyKey,
            },
          },
        );
      },
      idOf: (data: Record<string, unknown>) => (data.recordContribution as { id: string }).id,
    }),
    40_000,
  );
});
