import { Client } from 'pg';
import { MemberJoinedV1, type AnyIntegrationEventContract } from '@mutuo/contracts';
import { IntegrationEventPublisher, natsTestPrefix, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { fundsService } from '../src/funds.service';

export const REGION = 'test-region';

/** Funds on a fresh database and NATS prefix, with helpers to publish other services' events and read its tables. */
export interface FundsHarness {
  readonly sut: ServiceUnderTest;
  publish(contract: AnyIntegrationEventContract, streamId: string, podId: string | null, data: unknown): Promise<string>;
  adminQuery<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  stop(): Promise<void>;
}

/** `env`: variables besides the test defaults (FUNDS_PAYOUT_PROCESSOR, say). */
export async function startFunds(databasePrefix: string, env: Readonly<Record<string, string>> = {}): Promise<FundsHarness> {
  const prefix = natsTestPrefix();
  const sut = await startServiceUnderTest(fundsService, { databasePrefix, appRole: 'mutuo_funds_app', env: { REGION, ...env }, natsPrefix: prefix });
  const producers = await IntegrationEventPublisher.connect(prefix, REGION);
  const admin = new Client({ connectionString: sut.db.adminUrl });
  await admin.connect();
  return {
    sut,
    /** Publishes like the producer's outbox relay would: a validated CloudEvent with its stream version. */
    publish: (contract, streamId, podId, data) => producers.publish(contract, podId, streamId, data),
    async adminQuery<Row>(sql: string, params: unknown[] = []) {
      return (await admin.query(sql, params)).rows as Row[];
    },
    async stop() {
      await admin.end();
      await producers.close();
      await sut.stop();
    },
  };
}

/** Membership's member-joined for each member, then waits until funds knows them all. */
export async function joinMembers(h: FundsHarness, members: { memberId: string; podId: string }[]): Promise<void> {
  for (const { memberId, podId } of members) {
    await h.publish(MemberJoinedV1, `member:${podId}:${memberId}`, podId, {
      memberId,
      podId,
      personId: `person-${memberId}`,
      displayName: 'Member',
      preferredLanguage: 'pt',
    });
  }
  const ids = members.map((member) => member.memberId);
  await waitFor(
    async () =>
      (await h.adminQuery<{ n: number }>('select count(*)::int as n from funds_members where active and member_id = any($1::uuid[])', [ids]))[0]!.n ===
      ids.length,
    {
      description: 'funds to know the members',
      timeoutMs: 20_000,
    },
  );
}
