import { randomUUID } from 'node:crypto';
import { MatchMadeV1, PodCreatedV1, PodJoinedRegionV1, PodLeftRegionV1, RequestFulfilledV1, memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

jest.setTimeout(60_000);

/**
 * A pod leaving its region, heard over JetStream: its clearing with the region's pods is carried to settled-clearing
 * accounts on both sides (docs/funds.md), the books of every pod still sum to zero, and it clears in the region it joins.
 */
describe('funds when a pod leaves its region (real PostgreSQL and NATS)', () => {
  let h: FundsHarness;
  const [regionId, otherRegionId] = [randomUUID(), randomUUID()];
  const [podA, podB, podC] = [randomUUID(), randomUUID(), randomUUID()];
  const ana = memberIdFor(podA, 'person-ana');
  const hugo = memberIdFor(podB, 'person-hugo');
  const ivo = memberIdFor(podC, 'person-ivo');

  beforeAll(async () => {
    h = await startFunds('funds_pod_leaves');
    for (const podId of [podA, podB, podC]) {
      await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, { podId, regionId, name: 'Pod', languages: ['pt'], timezone: 'Europe/Lisbon' });
    }
    await joinMembers(h, [
      { memberId: ana, podId: podA },
      { memberId: hugo, podId: podB },
      { memberId: ivo, podId: podC },
    ]);
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  /** Ana (pod A) was helped by someone of another pod for `minutes`: the minutes pass through both pods' clearing. */
  async function helpedAcrossPods(helperMemberId: string, helperPodId: string, minutes: number): Promise<void> {
    const requestId = randomUUID();
    await h.publish(MatchMadeV1, `match:${podA}:${requestId}`, podA, {
      matchId: randomUUID(),
      requestId,
      podId: podA,
      offerId: null,
      suggestionId: randomUUID(),
      requesterMemberId: ana,
      requesterPodId: podA,
      helperMemberId,
      helperPodId,
      crossPod: true,
      via: 'confirmed',
      matchedAt: new Date().toISOString(),
    });
    await waitFor(async () => (await h.adminQuery('select 1 from request_helper_pods where request_id = $1', [requestId])).length === 1, {
      description: 'funds to note the helper pod',
    });
    const fulfilmentId = randomUUID();
    await h.publish(RequestFulfilledV1, `request:${podA}:${requestId}`, podA, {
      requestId,
      podId: podA,
      fulfilmentId,
      requesterMemberId: ana,
      helperMemberIds: [helperMemberId],
      contributions: [],
      hoursGivenMinutes: minutes,
      confirmedBy: 'requester',
      confirmedByMemberId: ana,
      category: 'transport',
      postedAt: '2026-11-20T09:00:00.000Z',
      firstMatchedAt: null,
      fulfilledAt: new Date().toISOString(),
    });
    await waitFor(async () => (await h.adminQuery('select 1 from transfers where source_id = $1', [fulfilmentId])).length === 2, {
      description: 'both legs of the fulfilment',
    });
  }

  async function gql<T>(podId: string, name: string, query: string): Promise<T> {
    const { data, errors } = await h.sut.graphql<T>(await h.sut.token(`person-${name}`, podId, ['member']), query);
    if (errors) throw new Error(JSON.stringify(errors));
    return data!;
  }

  type Position = { clearingPosition: { lines: { podId: string; counterpartyPodId: string; owedMinutes: number }[]; netMinutes: number } };
  const POSITION = '{ clearingPosition { lines { podId counterpartyPodId owedMinutes } netMinutes } }';
  const SETTLED = '{ settledClearing { counterpartyPodId owedMinutes regionId settledAt } }';

  it("carries the leaving pod's clearing with the region to settled accounts on both sides; every pod's books still sum to zero", async () => {
    await helpedAcrossPods(hugo, podB, 90);
    await helpedAcrossPods(ivo, podC, 30);

    await h.publish(PodLeftRegionV1, `pod:${podB}:${podB}`, podB, { podId: podB, regionId, leftAt: new Date().toISOString() });
    await waitFor(async () => (await h.adminQuery(`select 1 from transfers where kind = 'clearing-settlement'`)).length === 2, {
      description: 'the clearing between A and B to be carried',
    });

    // The region without B: A's clearing with C stands, nothing with B, still zero in all.
    const { clearingPosition } = await gql<Position>(podA, 'ana', POSITION);
    expect(clearingPosition.netMinutes).toBe(0);
    expect(clearingPosition.lines).toEqual(
      expect.arrayContaining([
        { podId: podA, counterpartyPodId: podB, owedMinutes: 0 },
        { podId: podA, counterpartyPodId: podC, owedMinutes: 30 },
        { podId: podC, counterpartyPodId: podA, owedMinutes: -30 },
      ]),
    );
    expect(clearingPosition.lines.some((line) => line.podId === podB)).toBe(false);

    // What stays owed is on both ledgers, with the region it closed in.
    const forA = (await gql<{ settledClearing: { counterpartyPodId: string; owedMinutes: number; regionId: string }[] }>(podA, 'ana', SETTLED)).settledClearing;
    expect(forA).toEqual([expect.objectContaining({ counterpartyPodId: podB, owedMinutes: 90, regionId })]);
    const forB = (await gql<{ settledClearing: { counterpartyPodId: string; owedMinutes: number }[] }>(podB, 'hugo', SETTLED)).settledClearing;
    expect(forB).toEqual([expect.objectContaining({ counterpartyPodId: podA, owedMinutes: -90, regionId })]);

    // Double entry: every pod's hour accounts sum to zero, and each side's transfers match its balances.
    const sums = await h.adminQuery<{ pod_id: string; total: string; credits: string; debits: string }>(
      `select pod_id, sum(balance_minor)::text as total, sum(credits_minor)::text as credits, sum(debits_minor)::text as debits
       from accounts where unit = 'HOUR' group by pod_id`,
    );
    expect(sums).toHaveLength(3);
    for (const sum of sums) {
      expect(sum.total).toBe('0');
      expect(sum.credits).toBe(sum.debits);
    }
  });

  it('closes once however often it hears of the departure, and clears in the region the pod joins', async () => {
    // The same departure again (a producer's retry under another stream version) carries nothing: B has no clearing left.
    await h.publish(PodLeftRegionV1, `pod:${podB}:${podB}`, podB, { podId: podB, regionId, leftAt: new Date().toISOString() });
    await h.publish(PodJoinedRegionV1, `pod:${podB}:${podB}`, podB, { podId: podB, regionId: otherRegionId, joinedAt: new Date().toISOString() });
    await waitFor(async () => (await h.adminQuery('select 1 from funds_pods where pod_id = $1 and region_id = $2', [podB, otherRegionId])).length === 1, {
      description: 'B in the other region',
    });
    expect((await h.adminQuery(`select 1 from transfers where kind = 'clearing-settlement'`)).length).toBe(2);
    const { clearingPosition } = await gql<Position & { clearingPosition: { regionId: string } }>(
      podB,
      'hugo',
      '{ clearingPosition { regionId lines { podId counterpartyPodId owedMinutes } netMinutes } }',
    );
    expect(clearingPosition).toMatchObject({ regionId: otherRegionId, netMinutes: 0 });
    expect(clearingPosition.lines.every((line) => line.podId === podB)).toBe(true);
  });

  it('posts the hours of a match made before the departure and fulfilled after it to the settled accounts: no new clearing with the old region', async () => {
    await helpedAcrossPods(hugo, podB, 15);
    const settled = async (podId: string, name: string) =>
      (await gql<{ settledClearing: { counterpartyPodId: string; owedMinutes: number }[] }>(podId, name, SETTLED)).settledClearing;
    expect(await settled(podA, 'ana')).toEqual([expect.objectContaining({ counterpartyPodId: podB, owedMinutes: 105 })]);
    expect(await settled(podB, 'hugo')).toEqual([expect.objectContaining({ counterpartyPodId: podA, owedMinutes: -105 })]);
    const { clearingPosition } = await gql<Position>(podA, 'ana', POSITION);
    expect(clearingPosition.lines).toEqual(expect.arrayContaining([{ podId: podA, counterpartyPodId: podB, owedMinutes: 0 }]));
    expect(clearingPosition.netMinutes).toBe(0);
    const totals = await h.adminQuery<{ total: string }>(`select sum(balance_minor)::text as total from accounts where unit = 'HOUR' group by pod_id`);
    expect(totals.map((row) => row.total)).toEqual(['0', '0', '0']);
  });
});
