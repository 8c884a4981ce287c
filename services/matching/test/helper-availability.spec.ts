import { randomUUID } from 'node:crypto';
import {
  MemberBlockedV1,
  MemberJoinedV1,
  MemberPausedV1,
  MemberReturnedV1,
  MemberUnblockedV1,
  RequestPostedV1,
  memberIdFor,
  type AnyIntegrationEventContract,
} from '@mutuo/contracts';
import { IntegrationEventPublisher, natsTestPrefix, queryDatabase, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { matchingService } from '../src/matching.service';

const REGION = 'test-region';

/**
 * Matching hears membership's and requests' integration events from JetStream, as in production, and
 * never counts a paused member or a member in a block with the requester as a possible helper.
 */
describe('matching respects pauses and blocks (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let producers: IntegrationEventPublisher;
  const prefix = natsTestPrefix();
  const podId = randomUUID();
  const [ana, bo, cy, dee] = ['ana', 'bo', 'cy', 'dee'].map((name) => memberIdFor(podId, `person-${name}`)) as [string, string, string, string];

  beforeAll(async () => {
    sut = await startServiceUnderTest(matchingService, {
      databasePrefix: 'matching_availability',
      appRole: 'mutuo_matching_app',
      env: { REGION },
      natsPrefix: prefix,
    });
    producers = await IntegrationEventPublisher.connect(prefix, REGION);
    for (const [name, memberId] of [
      ['Ana', ana],
      ['Bo', bo],
      ['Cy', cy],
      ['Dee', dee],
    ] as const) {
      await publish(MemberJoinedV1, `member:${podId}:${memberId}`, {
        memberId,
        podId,
        personId: `person-${name.toLowerCase()}`,
        displayName: name,
        preferredLanguage: 'pt',
      });
    }
    await waitFor(async () => (await adminQuery<{ n: number }>('select count(*)::int as n from pod_helpers'))[0]!.n === 4, {
      description: 'matching to know the four members',
      timeoutMs: 15_000,
    });
  }, 60_000);

  afterAll(async () => {
    await producers?.close();
    await sut?.stop();
  });

  /** Publishes like the producer's outbox relay would: a validated CloudEvent with its stream version. */
  const publish = (contract: AnyIntegrationEventContract, streamId: string, data: unknown, version?: number): Promise<string> =>
    producers.publish(contract, podId, streamId, data, { streamPosition: version });

  const adminQuery = <Row>(sql: string, params?: unknown[]) => queryDatabase<Row>(sut.db.adminUrl, sql, params);

  const helperState = async (memberId: string) =>
    (await adminQuery<{ paused: boolean; pause_version: number }>('select paused, pause_version from pod_helpers where member_id = $1', [memberId]))[0];
  const blockState = async (blocker: string, blocked: string) =>
    (await adminQuery<{ active: boolean }>('select active from helper_blocks where blocker_member_id = $1 and blocked_member_id = $2', [blocker, blocked]))[0];

  /** Ana asks for help; resolves with how many members matching found to ask. */
  async function candidatesForNewRequest(): Promise<number> {
    const requestId = randomUUID();
    await publish(RequestPostedV1, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: ana,
      title: 'Groceries for Friday',
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
    });
    const [row] = await waitFor(
      async () => {
        const rows = await adminQuery<{ candidate_count: number }>('select candidate_count from request_matching where request_id = $1', [requestId]);
        return rows.length ? rows : undefined;
      },
      { description: 'the request to be evaluated', timeoutMs: 15_000 },
    );
    return row!.candidate_count;
  }

  it('counts neither a paused member nor one who blocked the requester, and counts them again once back or unblocked', async () => {
    expect(await candidatesForNewRequest()).toBe(3);

    await publish(MemberPausedV1, `member:${podId}:${bo}`, { memberId: bo, podId, pausedAt: new Date().toISOString(), returnAt: null });
    await publish(MemberBlockedV1, `member:${podId}:${cy}`, { podId, blockerMemberId: cy, blockedMemberId: ana });
    await waitFor(async () => (await helperState(bo))?.paused && (await blockState(cy, ana))?.active, {
      description: 'the pause and the block to reach matching',
      timeoutMs: 15_000,
    });
    expect(await candidatesForNewRequest()).toBe(1);

    await publish(MemberReturnedV1, `member:${podId}:${bo}`, { memberId: bo, podId, returnedAt: new Date().toISOString(), automatic: true });
    await publish(MemberUnblockedV1, `member:${podId}:${cy}`, { podId, blockerMemberId: cy, blockedMemberId: ana });
    await waitFor(async () => (await helperState(bo))?.paused === false && (await blockState(cy, ana))?.active === false, {
      description: 'the return and the unblock to reach matching',
      timeoutMs: 15_000,
    });
    expect(await candidatesForNewRequest()).toBe(3);
  }, 30_000);

  it('excludes a pair whichever of the two blocked the other', async () => {
    await publish(MemberBlockedV1, `member:${podId}:${ana}`, { podId, blockerMemberId: ana, blockedMemberId: dee });
    await waitFor(async () => (await blockState(ana, dee))?.active, { description: "Ana's block to reach matching", timeoutMs: 15_000 });
    expect(await candidatesForNewRequest()).toBe(2);
  }, 30_000);

  it('ignores an older pause that arrives after the newer return', async () => {
    const stream = `member:${podId}:${cy}`;
    const pausedVersion = producers.lastStreamPosition(stream) + 1;
    await publish(MemberReturnedV1, stream, { memberId: cy, podId, returnedAt: new Date().toISOString(), automatic: false }, pausedVersion + 1);
    await waitFor(async () => (await helperState(cy))?.pause_version === pausedVersion + 1, { description: 'the return', timeoutMs: 15_000 });

    const late = await publish(MemberPausedV1, stream, { memberId: cy, podId, pausedAt: new Date().toISOString(), returnAt: null }, pausedVersion);
    await waitFor(async () => (await adminQuery('select 1 from mutuo_inbox where event_id = $1', [late])).length > 0, {
      description: 'the late pause to be handled',
      timeoutMs: 15_000,
    });
    expect(await helperState(cy)).toEqual({ paused: false, pause_version: pausedVersion + 1 });
  }, 30_000);
});
