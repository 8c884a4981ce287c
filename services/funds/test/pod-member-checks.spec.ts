import { randomUUID } from 'node:crypto';
import { MemberLeftV1, PodCreatedV1, RegionCreatedV1, RoleGrantedV1, memberIdFor } from '@mutuo/contracts';
import { waitFor } from '@mutuo/testing';
import { joinMembers, startFunds, type FundsHarness } from './funds-harness';

/**
 * Funds checks every member id a command names against what membership told it, and reads the caller's region the
 * way membership's tokens name it (real PostgreSQL and NATS).
 */
describe('funds: members of the caller pod, and the caller region', () => {
  let h: FundsHarness;
  const regionId = randomUUID();
  const regionSlug = `lisboa-${regionId.slice(0, 8)}`;
  const podA = randomUUID();
  const podB = randomUUID();
  const [ana, bo, dee, leo] = ['ana', 'bo', 'dee', 'leo'].map((name) => memberIdFor(podA, `person-${name}`)) as [string, string, string, string];
  const hugo = memberIdFor(podB, 'person-hugo');

  beforeAll(async () => {
    h = await startFunds('funds_member_checks');
    await h.publish(RegionCreatedV1, `region:${regionId}`, null, { regionId, name: 'Lisboa', slug: regionSlug });
    for (const podId of [podA, podB]) {
      await h.publish(PodCreatedV1, `pod:${podId}:${podId}`, podId, {
        podId,
        regionId,
        name: `Pod ${podId.slice(0, 4)}`,
        languages: ['pt'],
        timezone: 'Europe/Lisbon',
      });
    }
    await joinMembers(h, [...[ana, bo, dee, leo].map((memberId) => ({ memberId, podId: podA })), { memberId: hugo, podId: podB }]);
    await h.publish(MemberLeftV1, `member:${podA}:${leo}`, podA, { memberId: leo, podId: podA, leftAt: new Date().toISOString() });
    await h.publish(RoleGrantedV1, `pod-roles:${podA}:${podA}`, podA, {
      podId: podA,
      termId: randomUUID(),
      memberId: bo,
      role: 'treasurer',
      termStart: '2026-01-01T00:00:00.000Z',
      termEnd: '2027-01-01T00:00:00.000Z',
      consecutiveTerms: 1,
      via: 'grant',
    });
    await waitFor(
      async () => {
        const [known] = await h.adminQuery<{ left: number; regions: number; roles: number }>(
          `select (select count(*)::int from funds_members where not active) as left,
                  (select count(*)::int from funds_regions) as regions, (select count(*)::int from funds_role_holders) as roles`,
        );
        return known!.left === 1 && known!.regions === 1 && known!.roles === 1;
      },
      { description: 'funds to hear that Leo left, the region and the treasurer', timeoutMs: 20_000 },
    );
  }, 90_000);

  afterAll(async () => {
    await h?.stop();
  });

  /** A token as membership issues it: the region claim is the region's slug. */
  const as = (name: string, podId: string | undefined = podA, roles = ['member']) => h.sut.token(`person-${name}`, podId, roles, regionSlug);

  const writes = async () =>
    (
      await h.adminQuery<{ events: number; transfers: number }>(
        'select (select count(*)::int from mutuo_events) as events, (select count(*)::int from transfers) as transfers',
      )
    )[0]!;

  /** The first error's code and field, after checking that nothing was written. */
  async function refused(token: Promise<string>, query: string, variables: Record<string, unknown>) {
    const before = await writes();
    const { errors } = await h.sut.graphql(await token, query, variables);
    expect(await writes()).toEqual(before);
    return { code: errors?.[0]?.extensions?.code, field: errors?.[0]?.extensions?.field };
  }

  const PROPOSE = 'mutation($input: ProposeDisbursementInput!) { proposeDisbursement(input: $input) { id recipient { member { id } } } }';
  const CONTRIBUTE = 'mutation($input: RecordContributionInput!) { recordContribution(input: $input) { id } }';
  const GRANT = 'mutation($input: GrantPoolHoursInput!) { grantPoolHours(input: $input) { id } }';
  const proposal = (recipientMemberId: string) => ({
    input: { recipientMemberId, currency: 'EUR', amountMinor: 1_000, category: 'groceries', reason: 'Compras' },
  });
  const donation = (donorMemberId: string) => ({
    input: { currency: 'EUR', amountMinor: 2_000, method: 'card', sourceKind: 'individual', anonymous: false, donorName: 'Rosa', donorMemberId },
  });
  const NOT_A_MEMBER = (field: string) => ({ code: 'NOT_A_POD_MEMBER', field });

  it('refuses a disbursement recipient of another pod, one who left, or an unknown id, naming the field and writing nothing', async () => {
    for (const recipient of [hugo, leo, randomUUID()]) {
      expect(await refused(as('ana'), PROPOSE, proposal(recipient))).toEqual(NOT_A_MEMBER('recipientMemberId'));
    }
    const { data } = await h.sut.graphql<{ proposeDisbursement: { recipient: { member: { id: string } } } }>(await as('ana'), PROPOSE, proposal(dee));
    expect(data?.proposeDisbursement.recipient.member.id).toBe(dee);
  });

  it('refuses a donor of another pod and a pool grant to a member of another pod', async () => {
    expect(await refused(as('bo'), CONTRIBUTE, donation(hugo))).toEqual(NOT_A_MEMBER('donorMemberId'));
    expect(await refused(as('bo'), GRANT, { input: { memberId: hugo, minutes: 10 } })).toEqual(NOT_A_MEMBER('memberId'));
    expect(await refused(as('bo'), GRANT, { input: { memberId: leo, minutes: 10 } })).toEqual(NOT_A_MEMBER('memberId'));
    const { errors } = await h.sut.graphql(await as('bo'), CONTRIBUTE, donation(ana));
    expect(errors).toBeUndefined();
  });

  it('answers clearingPosition for a member whose token names the region by its slug, and for a region steward without a pod', async () => {
    type Position = { clearingPosition: { regionId: string; pods: { podId: string }[]; netMinutes: number } };
    const QUERY = '{ clearingPosition { regionId pods { podId } netMinutes } }';

    const member = await h.sut.graphql<Position>(await as('ana'), QUERY);
    expect(member.errors).toBeUndefined();
    expect(member.data!.clearingPosition).toMatchObject({ regionId, netMinutes: 0 });
    expect(member.data!.clearingPosition.pods.map((pod) => pod.podId).sort()).toEqual([podA, podB].sort());

    const steward = await h.sut.graphql<Position>(await as('stella', undefined, ['region-steward']), QUERY);
    expect(steward.errors).toBeUndefined();
    expect(steward.data!.clearingPosition.regionId).toBe(regionId);

    const elsewhere = await h.sut.graphql(await h.sut.token('person-ines', undefined, ['region-steward'], 'porto'), QUERY);
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({ code: 'REGION_NOT_FOUND' });
  });

  it('does not say what it runs on', async () => {
    const health = await fetch(`${h.sut.service.url}/health/live`);
    const graphql = await fetch(`${h.sut.service.url}/graphql`, { method: 'POST' });

    expect(health.headers.get('x-powered-by')).toBeNull();
    expect(graphql.headers.get('x-powered-by')).toBeNull();
  });
});
