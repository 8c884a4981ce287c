import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { eventStreamName, parseCloudEvent } from '@mutuo/messaging';
import { natsTestPrefix, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';

const DAY = 86_400_000;

describe('rotating roles through GraphQL (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  let podId: string;
  let otherPodId: string;
  const memberOf = (subject: string) => memberIdFor(podId, subject);

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_rolesgql', appRole: 'mutuo_membership_app', natsPrefix: prefix });

    const operator = await token('person-operator', ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }');
    const CREATE_POD = 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }';
    const pod = (name: string) => ({ input: { regionId: region.createRegion.id, name, languages: ['pt'], timezone: 'Europe/Lisbon' } });
    podId = (await ok<{ createPod: { id: string } }>(operator, CREATE_POD, pod('Arroios'))).createPod.id;
    otherPodId = (await ok<{ createPod: { id: string } }>(operator, CREATE_POD, pod('Graça'))).createPod.id;
    for (const name of ['ana', 'bo', 'cleo']) {
      await ok(await member(`person-${name}`), 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name });
    }
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  const token = (subject: string, roles: string[], pod?: string, region?: string) => sut.token(subject, pod, roles, region);
  const member = (subject: string) => token(subject, ['member'], podId);
  /** What a coordinator's token claims; the service still checks the claim against the terms it holds. */
  const coordinator = (subject: string) => token(subject, ['member', 'coordinator'], podId);

  const graphql = <T>(bearer: string, query: string, variables: Record<string, unknown> = {}) => sut.graphql<T>(bearer, query, variables);

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  async function countEvents(): Promise<number> {
    const client = new Client({ connectionString: sut.db.adminUrl });
    await client.connect();
    try {
      return (await client.query('select count(*)::int as n from mutuo_events')).rows[0].n;
    } finally {
      await client.end();
    }
  }

  /** The first error's code and field, after checking that nothing was written. */
  async function refused(bearer: string, query: string, variables: Record<string, unknown>) {
    const before = await countEvents();
    const { errors } = await graphql(bearer, query, variables);
    expect(await countEvents()).toBe(before);
    return errors?.[0]?.extensions;
  }

  const TERM = 'id role termStart termEnd consecutiveTerms status graceUntil member { id displayName }';
  const GRANT = `mutation($input: GrantRoleInput!) { grantRole(input: $input) { ${TERM} } }`;
  const RENEW = `mutation($input: RenewRoleTermInput!) { renewRoleTerm(input: $input) { ${TERM} } }`;
  const HAND_OVER = `mutation($input: HandOverRoleInput!) { handOverRole(input: $input) { ${TERM} } }`;
  const STEP_DOWN = `mutation($input: StepDownFromRoleInput!) { stepDownFromRole(input: $input) { ${TERM} } }`;
  const SET_POLICY = 'mutation($input: SetRolePolicyInput!) { setRolePolicy(input: $input) { termLengthDays maxConsecutiveTerms customRoles } }';

  it('lets only an operator or a steward of the region appoint the first coordinator of a pod that has none', async () => {
    expect(await refused(await member('person-bo'), GRANT, { input: { memberId: memberOf('person-bo'), role: 'coordinator' } })).toMatchObject({
      code: 'FORBIDDEN',
    });
    const otherRegionSteward = await token('person-steward', ['region-steward'], undefined, 'porto');
    expect(await refused(otherRegionSteward, GRANT, { input: { podId, memberId: memberOf('person-ana'), role: 'coordinator' } })).toMatchObject({
      code: 'FORBIDDEN',
    });
    const steward = await token('person-steward', ['region-steward'], undefined, 'lisboa');
    expect(await refused(steward, GRANT, { input: { podId, memberId: memberOf('person-ana'), role: 'treasurer' } })).toMatchObject({
      code: 'BOOTSTRAP_COORDINATOR_ONLY',
      field: 'role',
    });

    const { grantRole } = await ok<{ grantRole: Record<string, unknown> }>(steward, GRANT, {
      input: { podId, memberId: memberOf('person-ana'), role: 'coordinator' },
    });
    expect(grantRole).toMatchObject({ role: 'coordinator', consecutiveTerms: 1, status: 'ACTIVE', graceUntil: null });
    expect(Date.parse(grantRole.termEnd as string) - Date.parse(grantRole.termStart as string)).toBe(180 * DAY);

    expect(await refused(steward, GRANT, { input: { podId, memberId: memberOf('person-bo'), role: 'coordinator' } })).toMatchObject({
      code: 'POD_HAS_COORDINATOR',
      field: 'podId',
    });
  });

  it('lets a current coordinator grant roles, and refuses a token that claims coordinator without holding the role', async () => {
    const { grantRole } = await ok<{ grantRole: Record<string, unknown> }>(await coordinator('person-ana'), GRANT, {
      input: { memberId: memberOf('person-bo'), role: 'treasurer' },
    });
    expect(grantRole).toMatchObject({ role: 'treasurer', member: { id: memberOf('person-bo'), displayName: 'bo' } });

    expect(await refused(await coordinator('person-bo'), GRANT, { input: { memberId: memberOf('person-cleo'), role: 'moderator' } })).toMatchObject({
      code: 'NOT_A_COORDINATOR',
    });
    // A coordinator of one pod has no say in another, whatever pod the input names.
    expect(
      await refused(await coordinator('person-ana'), GRANT, { input: { podId: otherPodId, memberId: memberOf('person-bo'), role: 'moderator' } }),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const ana = await coordinator('person-ana');
    expect(await refused(ana, GRANT, { input: { memberId: 'not-an-id', role: 'moderator' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    expect(await refused(ana, GRANT, { input: { memberId: memberOf('person-cleo'), role: 'gardener' } })).toMatchObject({
      code: 'UNKNOWN_ROLE',
      field: 'role',
    });
    expect(await refused(ana, GRANT, { input: { memberId: memberOf('person-nobody'), role: 'moderator' } })).toMatchObject({
      code: 'MEMBER_NOT_FOUND',
      field: 'memberId',
    });
    expect(await refused(ana, SET_POLICY, { input: { termEndingNoticeDays: 200 } })).toMatchObject({
      code: 'INVALID_ROLE_POLICY',
      field: 'termEndingNoticeDays',
    });
  });

  it('renews within the limit on consecutive terms and refuses beyond it, naming the member', async () => {
    const ana = await coordinator('person-ana');
    const { renewRoleTerm } = await ok<{ renewRoleTerm: Record<string, unknown> }>(ana, RENEW, {
      input: { memberId: memberOf('person-bo'), role: 'treasurer' },
    });
    expect(renewRoleTerm).toMatchObject({ role: 'treasurer', consecutiveTerms: 2, member: { displayName: 'bo' } });
    expect(await refused(ana, RENEW, { input: { memberId: memberOf('person-bo'), role: 'treasurer' } })).toMatchObject({
      code: 'CONSECUTIVE_TERM_LIMIT',
      field: 'memberId',
    });
  });

  it('hands a role over from its holder to another member, and lets a holder step down', async () => {
    const { handOverRole } = await ok<{ handOverRole: Record<string, unknown> }>(await member('person-bo'), HAND_OVER, {
      input: { role: 'treasurer', toMemberId: memberOf('person-cleo') },
    });
    expect(handOverRole).toMatchObject({ role: 'treasurer', consecutiveTerms: 1, status: 'ACTIVE', member: { displayName: 'cleo' } });

    const ana = await coordinator('person-ana');
    expect(await ok(ana, SET_POLICY, { input: { termLengthDays: 90, customRoles: ['garden-keeper'] } })).toEqual({
      setRolePolicy: { termLengthDays: 90, maxConsecutiveTerms: 2, customRoles: ['garden-keeper'] },
    });
    const { grantRole } = await ok<{ grantRole: Record<string, unknown> }>(ana, GRANT, { input: { memberId: memberOf('person-bo'), role: 'garden-keeper' } });
    expect(Date.parse(grantRole.termEnd as string) - Date.parse(grantRole.termStart as string)).toBe(90 * DAY);

    const { stepDownFromRole } = await ok<{ stepDownFromRole: Record<string, unknown> }>(await member('person-cleo'), STEP_DOWN, {
      input: { role: 'treasurer' },
    });
    expect(stepDownFromRole).toMatchObject({ role: 'treasurer', status: 'ENDED', member: { displayName: 'cleo' } });
    expect(await refused(await member('person-cleo'), STEP_DOWN, { input: { role: 'treasurer' } })).toMatchObject({ code: 'ROLE_NOT_HELD', field: 'role' });
  });

  it("shows the pod's current holders, its policy, each member's roles and the history, newest first, page by page", async () => {
    const bo = await member('person-bo');
    const POD = `query($id: ID!) { pod(id: $id) { roles { role termEnd member { displayName } } rolePolicy { termLengthDays customRoles } } }`;
    type PodRoles = { pod: { roles: { role: string; termEnd: string; member: { displayName: string } }[]; rolePolicy: { termLengthDays: number } } };
    const pod = await waitFor(
      async () => {
        const { pod } = await ok<PodRoles>(bo, POD, { id: podId });
        // Until the read model has the whole story: the grant of garden-keeper and the treasurer's step-down.
        return pod.roles.length === 2 && pod.roles.some((term) => term.role === 'garden-keeper') && pod.rolePolicy.termLengthDays === 90 ? pod : undefined;
      },
      { description: 'the role read models', timeoutMs: 10_000 },
    );
    expect(pod.roles.map((term) => [term.role, term.member.displayName])).toEqual([
      ['coordinator', 'ana'],
      ['garden-keeper', 'bo'],
    ]);
    expect(pod.rolePolicy).toEqual({ termLengthDays: 90, customRoles: ['garden-keeper'] });
    expect(await ok(bo, '{ me { roles { role status } } }')).toEqual({ me: { roles: [{ role: 'garden-keeper', status: 'ACTIVE' }] } });

    const HISTORY = `query($id: ID!, $after: String) { pod(id: $id) { roleHistory(first: 4, after: $after) {
      edges { cursor node { kind role member { displayName } toMember { displayName } actor { displayName } grantedVia consecutiveTerms policy { termLengthDays } } }
      endCursor hasNextPage } } }`;
    type Page = { pod: { roleHistory: { edges: { node: Record<string, unknown> }[]; endCursor: string; hasNextPage: boolean } } };
    const first = (await ok<Page>(bo, HISTORY, { id: podId })).pod.roleHistory;
    expect(first.edges.map((edge) => edge.node.kind)).toEqual(['STEPPED_DOWN', 'GRANTED', 'POLICY_SET', 'GRANTED']);
    expect(first.edges[1]!.node).toMatchObject({ role: 'garden-keeper', member: { displayName: 'bo' }, actor: { displayName: 'ana' }, grantedVia: 'GRANT' });
    expect(first.edges[2]!.node).toMatchObject({ role: null, policy: { termLengthDays: 90 } });
    expect(first.edges[3]!.node).toMatchObject({ role: 'treasurer', member: { displayName: 'cleo' }, grantedVia: 'HANDOVER', actor: { displayName: 'bo' } });
    expect(first.hasNextPage).toBe(true);

    const second = (await ok<Page>(bo, HISTORY, { id: podId, after: first.endCursor })).pod.roleHistory;
    expect(second.edges.map((edge) => edge.node.kind)).toEqual(['HANDED_OVER', 'RENEWED', 'GRANTED', 'GRANTED']);
    expect(second.edges[0]!.node).toMatchObject({ member: { displayName: 'bo' }, toMember: { displayName: 'cleo' } });
    // The first coordinator was appointed by a steward, who is no member of the pod.
    expect(second.edges[3]!.node).toMatchObject({ role: 'coordinator', grantedVia: 'BOOTSTRAP', actor: null, member: { displayName: 'ana' } });
    expect(second.hasNextPage).toBe(false);

    const bad = await graphql(bo, HISTORY, { id: podId, after: 'not-a-cursor' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('never leaves the pod without a coordinator silently: the last one may step down, and the gap is published', async () => {
    const { stepDownFromRole } = await ok<{ stepDownFromRole: { status: string } }>(await member('person-ana'), STEP_DOWN, { input: { role: 'coordinator' } });
    expect(stepDownFromRole.status).toBe('ENDED');

    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const subject = `${prefix}.evt.test-region.${podId}.membership.coordinator-gap-alerted.v1`;
      const message = await waitFor(() => jsm.streams.getMessage(eventStreamName(prefix, 'membership'), { last_by_subj: subject }).catch(() => null), {
        description: 'the coordinator gap alert in JetStream',
        timeoutMs: 10_000,
      });
      const parsed = parseCloudEvent(message.data);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.event).toMatchObject({
        type: 'membership.coordinator-gap-alerted.v1',
        podid: podId,
        data: { podId, lastCoordinatorMemberId: memberOf('person-ana'), reason: 'stepped-down', graceUntil: null },
      });
    } finally {
      await nc.close();
    }

    // Her token still says coordinator; the service knows better.
    expect(await refused(await coordinator('person-ana'), GRANT, { input: { memberId: memberOf('person-cleo'), role: 'moderator' } })).toMatchObject({
      code: 'NOT_A_COORDINATOR',
    });
    // Now a steward may appoint the next coordinator.
    const operator = await token('person-operator', ['operator']);
    expect(await ok(operator, GRANT, { input: { podId, memberId: memberOf('person-cleo'), role: 'coordinator' } })).toMatchObject({
      grantRole: { role: 'coordinator', member: null },
    });
  });
});
