import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { eventStreamName, parseCloudEvent } from '@mutuo/messaging';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER } from '@mutuo/platform';
import { natsTestPrefix, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';
import { ARROIOS_SERVICE_AREA } from './support/service-area';

/** A closed ring around Arroios (Lisbon), [longitude, latitude]. */

/**
 * Pods applying to regions, pod settings, agreements, the three ways of admitting members, and leaving,
 * through the membership subgraph on a real PostgreSQL database and NATS server.
 */
describe('pods joining regions and people joining pods (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  let regionId: string;
  let podId: string;
  const memberOf = (subject: string) => memberIdFor(podId, subject);

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_podadmission', appRole: 'mutuo_membership_app', natsPrefix: prefix });
    const operator = await token('person-operator', ['operator']);
    regionId = (await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }'))
      .createRegion.id;
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  const token = (subject: string, roles: string[], pod?: string, region?: string) => sut.token(subject, pod, roles, region);
  const person = (subject: string) => token(subject, ['member'], podId);
  const coordinator = (subject: string) => token(subject, ['member', 'coordinator'], podId);
  const steward = () => token('person-steward', ['region-steward'], undefined, 'lisboa');

  const graphql = <T>(bearer: string, query: string, variables: Record<string, unknown> = {}) => sut.graphql<T>(bearer, query, variables);

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  async function adminQuery<Row>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: sut.db.adminUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  const countEvents = async () => (await adminQuery<{ n: number }>('select count(*)::int as n from mutuo_events'))[0]!.n;

  /** The first error's code and field, after checking that nothing was written. */
  async function refused(bearer: string, query: string, variables: Record<string, unknown> = {}) {
    const before = await countEvents();
    const { data, errors } = await graphql(bearer, query, variables);
    expect(errors).toBeDefined();
    expect(data ?? null).toBeNull();
    expect(await countEvents()).toBe(before);
    return errors![0]!.extensions;
  }

  const typesOf = async (stream: string) =>
    (await adminQuery<{ type: string }>('select type from mutuo_events where stream_id = $1 order by stream_position', [stream])).map((row) => row.type);

  async function published(subject: string) {
    const nc = await connect({ servers: TEST_NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const message = await waitFor(() => jsm.streams.getMessage(eventStreamName(prefix, 'membership'), { last_by_subj: subject }).catch(() => null), {
        description: `a message on ${subject}`,
        timeoutMs: 10_000,
      });
      const parsed = parseCloudEvent(message.data);
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.event;
    } finally {
      await nc.close();
    }
  }

  const APPLY = `mutation($input: ApplyToRegionInput!) { applyToRegion(input: $input) {
    id regionId name description languages timezone status applicantDisplayName serviceArea { type coordinates } } }`;
  const application = (overrides: Record<string, unknown> = {}) => ({
    input: {
      regionId,
      name: 'Arroios',
      description: 'Neighbours around Largo do Intendente',
      languages: ['pt', 'en'],
      timezone: 'Europe/Lisbon',
      serviceArea: ARROIOS_SERVICE_AREA,
      applicantDisplayName: 'Ana',
      ...overrides,
    },
  });
  const APPLICATIONS = `query($regionId: ID!, $status: PodApplicationStatus, $first: Int, $after: String) {
    podApplications(regionId: $regionId, status: $status, first: $first, after: $after) {
      edges { cursor node { id name status declineReason } } endCursor hasNextPage } }`;
  const JOIN = `mutation($input: JoinPodInput!) { joinPod(input: $input) { id status acknowledgedAgreementsVersion } }`;
  const SETTINGS = `mutation($input: ChangePodSettingsInput!) { changePodSettings(input: $input) {
    requestVisibility escalateToNeighbours admissionMode joinQuestions { id text } rolePolicy { termLengthDays maxConsecutiveTerms } } }`;
  const CREATE_CODE = `mutation($input: CreateInviteCodeInput!) { createInviteCode(input: $input) {
    code inviteCode { id label expiresAt maxUses uses revoked } } }`;
  const PUBLISH = `mutation($input: PublishAgreementsInput!) { publishAgreements(input: $input) { version text publishedBy { id } } }`;

  describe('a pod applying to join a region', () => {
    it('refuses bad input naming the field, writing nothing', async () => {
      const ana = await token('person-ana', ['member']);
      const open = { ...ARROIOS_SERVICE_AREA, coordinates: [ARROIOS_SERVICE_AREA.coordinates[0]!.slice(0, 4)] };
      expect(await refused(ana, APPLY, application({ serviceArea: open }))).toEqual({ code: 'INVALID_SERVICE_AREA', field: 'serviceArea.coordinates.0' });
      expect(await refused(ana, APPLY, application({ serviceArea: { ...ARROIOS_SERVICE_AREA, type: 'Point' } }))).toEqual({
        code: 'INVALID_SERVICE_AREA',
        field: 'serviceArea.type',
      });
      expect(await refused(ana, APPLY, application({ languages: ['pt', 'xq'] }))).toEqual({ code: 'UNKNOWN_LANGUAGE_TAG', field: 'languages.1' });
      expect(await refused(ana, APPLY, application({ timezone: 'Lisbon' }))).toEqual({ code: 'INVALID_TIMEZONE', field: 'timezone' });
      expect(await refused(ana, APPLY, application({ regionId: 'lisboa' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'regionId' });
    });

    it('lets a steward of the region approve an application: the pod exists with the applicant as its first member and coordinator', async () => {
      const ana = await token('person-ana', ['member']);
      const { applyToRegion } = await ok<{ applyToRegion: Record<string, unknown> & { id: string } }>(
        ana,
        APPLY,
        application({ languages: ['pt', 'EN', 'pt'] }),
      );
      expect(applyToRegion).toEqual({
        id: expect.any(String),
        regionId,
        name: 'Arroios',
        description: 'Neighbours around Largo do Intendente',
        languages: ['pt', 'en'],
        timezone: 'Europe/Lisbon',
        status: 'PENDING',
        applicantDisplayName: 'Ana',
        serviceArea: ARROIOS_SERVICE_AREA,
      });
      podId = applyToRegion.id;

      // The steward's queue, oldest first; nobody else sees it.
      const queue = await waitFor(
        async () => {
          const { podApplications } = await ok<{ podApplications: { edges: { node: { id: string } }[] } }>(await steward(), APPLICATIONS, { regionId });
          return podApplications.edges.length > 0 ? podApplications : null;
        },
        { description: 'the application in the region steward’s queue' },
      );
      expect(queue.edges.map((edge) => edge.node.id)).toEqual([podId]);
      const elsewhere = await token('person-steward', ['region-steward'], undefined, 'porto');
      expect((await graphql(elsewhere, APPLICATIONS, { regionId })).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      // The applicant follows their own application; someone else gets nothing.
      const BY_ID = 'query($id: ID!) { podApplication(id: $id) { id status } }';
      expect(await ok(ana, BY_ID, { id: podId })).toEqual({ podApplication: { id: podId, status: 'PENDING' } });
      expect(await ok(await token('person-bo', ['member']), BY_ID, { id: podId })).toEqual({ podApplication: null });

      const APPROVE = 'mutation($id: ID!) { approvePodApplication(id: $id) { id regionId name languages description serviceArea { type } } }';
      expect(await refused(elsewhere, APPROVE, { id: podId })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(ana, APPROVE, { id: podId })).toMatchObject({ code: 'FORBIDDEN' });
      const { approvePodApplication } = await ok(await steward(), APPROVE, { id: podId });
      expect(approvePodApplication).toEqual({
        id: podId,
        regionId,
        name: 'Arroios',
        languages: ['pt', 'en'],
        description: 'Neighbours around Largo do Intendente',
        serviceArea: { type: 'Polygon' },
      });
      expect(await refused(await steward(), APPROVE, { id: podId })).toEqual({ code: 'APPLICATION_DECIDED', field: 'id' });

      // One transaction wrote the decision, the pod, the membership and the bootstrap grant.
      expect(await typesOf(`pod-application:${podId}:${podId}`)).toEqual(['PodApplicationSubmitted', 'PodApplicationApproved']);
      expect(await typesOf(`pod:${podId}:${podId}`)).toEqual(['PodCreated']);
      // The joining is followed by the profile facts other services match on (membership.member-profile-changed.v1).
      expect(await typesOf(`member:${podId}:${memberOf('person-ana')}`)).toEqual(['MemberJoined', 'MemberProfileFactsChanged']);
      const [grant] = await adminQuery<{ data: { role: string; memberId: string; via: string } }>(
        "select data from mutuo_events where stream_id = $1 and type = 'RoleGranted'",
        [`pod-roles:${podId}:${podId}`],
      );
      expect(grant!.data).toMatchObject({ role: 'coordinator', memberId: memberOf('person-ana'), via: 'bootstrap' });

      // Ana, with a token for her new pod, is its member and coordinator.
      const pod = await waitFor(
        async () => {
          const { pod: found } = await ok<{ pod: { roles: { role: string; member: { id: string } }[] } | null }>(
            await coordinator('person-ana'),
            'query($id: ID!) { pod(id: $id) { id description roles { role member { id displayName status } } } }',
            { id: podId },
          );
          return found && found.roles.length > 0 ? found : null;
        },
        { description: 'the new pod with its coordinator' },
      );
      expect(pod).toEqual({
        id: podId,
        description: 'Neighbours around Largo do Intendente',
        roles: [{ role: 'coordinator', member: { id: memberOf('person-ana'), displayName: 'Ana', status: 'ACTIVE' } }],
      });
      expect((await published(`${prefix}.evt.test-region.${podId}.membership.pod-created.v1`)).data).toMatchObject({
        podId,
        regionId,
        serviceArea: ARROIOS_SERVICE_AREA,
      });
    });

    it('lets a steward decline an application with a reason the applicant reads', async () => {
      const cy = await token('person-cy', ['member']);
      const { applyToRegion } = await ok<{ applyToRegion: { id: string } }>(cy, APPLY, application({ name: 'Intendente', applicantDisplayName: 'Cy' }));
      const DECLINE = 'mutation($input: DeclinePodApplicationInput!) { declinePodApplication(input: $input) { id status declineReason decidedAt } }';
      expect(await refused(await steward(), DECLINE, { input: { id: applyToRegion.id, reason: ' ' } })).toEqual({ code: 'INVALID_REASON', field: 'reason' });
      const { declinePodApplication } = await ok<{ declinePodApplication: Record<string, unknown> }>(await steward(), DECLINE, {
        input: { id: applyToRegion.id, reason: 'Arroios already covers Intendente: join it' },
      });
      expect(declinePodApplication).toMatchObject({ id: applyToRegion.id, status: 'DECLINED', declineReason: 'Arroios already covers Intendente: join it' });
      const event = await published(`${prefix}.evt.test-region.${applyToRegion.id}.membership.pod-application-declined.v1`);
      expect(event.data).toMatchObject({
        applicationId: applyToRegion.id,
        applicantPersonId: 'person-cy',
        reason: 'Arroios already covers Intendente: join it',
      });
      await waitFor(
        async () => {
          const { podApplication } = await ok<{ podApplication: { status: string; declineReason: string | null } }>(
            cy,
            'query($id: ID!) { podApplication(id: $id) { status declineReason } }',
            { id: applyToRegion.id },
          );
          return podApplication.status === 'DECLINED' ? podApplication : null;
        },
        { description: 'the applicant reading the decline' },
      );
    });
  });

  describe('pod settings and agreements', () => {
    it('lets only a current coordinator change the settings; role terms stay with the role policy', async () => {
      expect(await refused(await person('person-bo'), SETTINGS, { input: { escalateToNeighbours: true } })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(await coordinator('person-bo'), SETTINGS, { input: { escalateToNeighbours: true } })).toMatchObject({ code: 'NOT_A_COORDINATOR' });
      expect(await refused(await coordinator('person-ana'), SETTINGS, { input: { admissionMode: 'APPLICATION' } })).toEqual({
        code: 'JOIN_QUESTIONS_REQUIRED',
        field: 'joinQuestions',
      });
      const { changePodSettings } = await ok(await coordinator('person-ana'), SETTINGS, {
        input: { requestVisibility: 'REGION', escalateToNeighbours: true, admissionMode: 'INVITE_CODE' },
      });
      expect(changePodSettings).toEqual({
        requestVisibility: 'REGION',
        escalateToNeighbours: true,
        admissionMode: 'INVITE_CODE',
        joinQuestions: [],
        rolePolicy: { termLengthDays: 180, maxConsecutiveTerms: 2 },
      });
      const event = await published(`${prefix}.evt.test-region.${podId}.membership.pod-settings-changed.v1`);
      expect(event.data).toEqual({
        podId,
        requestVisibility: 'region',
        escalateToNeighbours: true,
        admissionMode: 'invite-code',
        changedAt: expect.any(String),
      });
    });

    it('versions the agreements, and refuses an edit based on an older version', async () => {
      const ana = await coordinator('person-ana');
      expect((await ok(ana, PUBLISH, { input: { text: '# How we decide\n\nBy consent.' } })).publishAgreements).toEqual({
        version: 1,
        text: '# How we decide\n\nBy consent.',
        publishedBy: { id: memberOf('person-ana') },
      });
      expect((await ok(ana, PUBLISH, { input: { text: '# How we decide\n\nBy consent, monthly.', basedOnVersion: 1 } })).publishAgreements).toMatchObject({
        version: 2,
      });
      expect(await refused(ana, PUBLISH, { input: { text: 'Edited from the first', basedOnVersion: 1 } })).toEqual({
        code: 'STALE_AGREEMENTS_VERSION',
        field: 'basedOnVersion',
      });
      expect(await refused(await person('person-bo'), PUBLISH, { input: { text: 'Mine now' } })).toMatchObject({ code: 'FORBIDDEN' });
    });
  });

  describe('joining with an invite code', () => {
    let code: string;

    it('refuses a join without a code, and shows codes only to coordinators', async () => {
      expect(await refused(await person('person-bo'), JOIN, { input: { displayName: 'Bo', agreementsVersion: 2 } })).toEqual({
        code: 'INVITE_CODE_REQUIRED',
        field: 'inviteCode',
      });
      const { createInviteCode } = await ok<{ createInviteCode: { code: string; inviteCode: Record<string, unknown> } }>(
        await coordinator('person-ana'),
        CREATE_CODE,
        { input: { expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), maxUses: 1, label: 'For Bo' } },
      );
      code = createInviteCode.code;
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(createInviteCode.inviteCode).toMatchObject({ label: 'For Bo', maxUses: 1, uses: 0, revoked: false });
      // Only a hash is kept: the code appears nowhere in the store.
      expect(await adminQuery(`select 1 from mutuo_events where data::text ilike $1`, [`%${code.replace(/-/g, '')}%`])).toEqual([]);
      expect(await adminQuery(`select 1 from mutuo_events where data::text ilike $1`, [`%${code}%`])).toEqual([]);
    });

    it('admits a person with a valid code (typed loosely), refuses a stale agreements version, and refuses the code once used up', async () => {
      const bo = await person('person-bo');
      const loosely = code.toLowerCase().replace(/-/g, ' ');
      expect(await refused(bo, JOIN, { input: { displayName: 'Bo', inviteCode: loosely, agreementsVersion: 1 } })).toEqual({
        code: 'STALE_AGREEMENTS_VERSION',
        field: 'agreementsVersion',
      });
      const { joinPod } = await ok(bo, JOIN, { input: { displayName: 'Bo', inviteCode: loosely, agreementsVersion: 2 } });
      expect(joinPod).toEqual({ id: memberOf('person-bo'), status: 'ACTIVE', acknowledgedAgreementsVersion: 2 });

      expect(await refused(bo, JOIN, { input: { displayName: 'Bo', inviteCode: code, agreementsVersion: 2 } })).toEqual({
        code: 'ALREADY_MEMBER',
        field: 'podId',
      });
      expect(await refused(await person('person-dee'), JOIN, { input: { displayName: 'Dee', inviteCode: code, agreementsVersion: 2 } })).toEqual({
        code: 'INVITE_CODE_EXHAUSTED',
        field: 'inviteCode',
      });
      expect(await refused(await person('person-dee'), JOIN, { input: { displayName: 'Dee', inviteCode: 'ZZZZ-ZZZZ-ZZZZ', agreementsVersion: 2 } })).toEqual({
        code: 'INVALID_INVITE_CODE',
        field: 'inviteCode',
      });
      const CODES = 'query($id: ID!) { pod(id: $id) { inviteCodes { edges { node { label uses maxUses } } } } }';
      await waitFor(
        async () => {
          const { pod } = await ok<{ pod: { inviteCodes: { edges: { node: { uses: number } }[] } } }>(await coordinator('person-ana'), CODES, { id: podId });
          return pod.inviteCodes.edges[0]?.node.uses === 1;
        },
        { description: 'the code’s use counted in the read model' },
      );
      expect(await ok(bo, CODES, { id: podId })).toEqual({ pod: { inviteCodes: null } });
    });

    it('gives the last use of a code to exactly one of two people joining at the same moment', async () => {
      const { createInviteCode } = await ok<{ createInviteCode: { code: string; inviteCode: { id: string } } }>(await coordinator('person-ana'), CREATE_CODE, {
        input: { expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 1 },
      });
      const results = await Promise.all(
        ['person-fay', 'person-gil'].map(async (subject) =>
          graphql(await person(subject), JOIN, { input: { displayName: subject.slice(7), inviteCode: createInviteCode.code, agreementsVersion: 2 } }),
        ),
      );
      expect(results.filter((result) => !result.errors)).toHaveLength(1);
      expect(results.flatMap((result) => result.errors ?? []).map((error) => error.extensions)).toEqual([
        { code: 'INVITE_CODE_EXHAUSTED', field: 'inviteCode' },
      ]);
      expect(await typesOf(`invite-code:${podId}:${createInviteCode.inviteCode.id}`)).toEqual(['InviteCodeCreated', 'InviteCodeRedeemed']);
      const joined = await adminQuery(`select 1 from mutuo_events where type = 'MemberJoined' and data->>'personId' in ('person-fay', 'person-gil')`);
      expect(joined).toHaveLength(1);
    });

    it('refuses an expired code', async () => {
      const { createInviteCode } = await ok<{ createInviteCode: { code: string } }>(await coordinator('person-ana'), CREATE_CODE, {
        input: { expiresAt: new Date(Date.now() + 1_200).toISOString(), maxUses: 5 },
      });
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      expect(
        await refused(await person('person-dee'), JOIN, { input: { displayName: 'Dee', inviteCode: createInviteCode.code, agreementsVersion: 2 } }),
      ).toEqual({ code: 'INVITE_CODE_EXPIRED', field: 'inviteCode' });
    });
  });

  describe('joining by application', () => {
    const APPLY_TO_JOIN = `mutation($input: ApplyToJoinInput!) { applyToJoin(input: $input) {
      id status displayName answers { questionId question answer } agreementsVersion } }`;
    let questions: { id: string; text: string }[];

    it('lets a person apply with answers to the pod’s questions, and a coordinator approve them', async () => {
      const { changePodSettings } = await ok<{ changePodSettings: { joinQuestions: { id: string; text: string }[] } }>(
        await coordinator('person-ana'),
        SETTINGS,
        { input: { admissionMode: 'APPLICATION', joinQuestions: ['What brings you to the pod?', 'Which street do you live on?'] } },
      );
      questions = changePodSettings.joinQuestions;
      const dee = await person('person-dee');
      expect(await refused(dee, JOIN, { input: { displayName: 'Dee', agreementsVersion: 2 } })).toMatchObject({ code: 'APPLICATION_REQUIRED' });
      expect(
        await refused(dee, APPLY_TO_JOIN, {
          input: { displayName: 'Dee', answers: [{ questionId: questions[0]!.id, answer: 'Cooking' }], agreementsVersion: 2 },
        }),
      ).toEqual({
        code: 'MISSING_ANSWER',
        field: 'answers',
      });

      const answers = [
        { questionId: questions[1]!.id, answer: 'Rua dos Anjos' },
        { questionId: questions[0]!.id, answer: 'I cook for many and can share.' },
      ];
      const { applyToJoin } = await ok<{ applyToJoin: Record<string, unknown> }>(dee, APPLY_TO_JOIN, {
        input: { displayName: 'Dee', answers, agreementsVersion: 2 },
      });
      expect(applyToJoin).toEqual({
        id: memberOf('person-dee'),
        status: 'PENDING',
        displayName: 'Dee',
        agreementsVersion: 2,
        answers: [
          { questionId: questions[0]!.id, question: 'What brings you to the pod?', answer: 'I cook for many and can share.' },
          { questionId: questions[1]!.id, question: 'Which street do you live on?', answer: 'Rua dos Anjos' },
        ],
      });
      expect(await refused(dee, APPLY_TO_JOIN, { input: { displayName: 'Dee', answers, agreementsVersion: 2 } })).toMatchObject({
        code: 'APPLICATION_PENDING',
      });

      const PENDING = 'query($id: ID!) { pod(id: $id) { joinApplications(first: 10) { edges { node { id displayName } } hasNextPage } } }';
      const pending = await waitFor(
        async () => {
          const { pod } = await ok<{ pod: { joinApplications: { edges: { node: { id: string } }[] } } }>(await coordinator('person-ana'), PENDING, {
            id: podId,
          });
          return pod.joinApplications.edges.length > 0 ? pod.joinApplications : null;
        },
        { description: 'the application in the coordinators’ queue' },
      );
      expect(pending).toEqual({ edges: [{ node: { id: memberOf('person-dee'), displayName: 'Dee' } }], hasNextPage: false });

      const APPROVE = 'mutation($memberId: ID!) { approveJoinApplication(memberId: $memberId) { id displayName status acknowledgedAgreementsVersion } }';
      expect(await refused(await person('person-bo'), APPROVE, { memberId: memberOf('person-dee') })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await ok(await coordinator('person-ana'), APPROVE, { memberId: memberOf('person-dee') })).toEqual({
        approveJoinApplication: { id: memberOf('person-dee'), displayName: 'Dee', status: 'ACTIVE', acknowledgedAgreementsVersion: 2 },
      });
      expect(await typesOf(`member:${podId}:${memberOf('person-dee')}`)).toEqual([
        'JoinApplicationSubmitted',
        'JoinApplicationApproved',
        'MemberJoined',
        'AgreementsAcknowledged',
        'MemberProfileFactsChanged',
      ]);
      expect(await refused(await coordinator('person-ana'), APPROVE, { memberId: memberOf('person-dee') })).toEqual({
        code: 'ALREADY_MEMBER',
        field: 'memberId',
      });
    });

    it('lets a coordinator decline an application with a reason the applicant reads', async () => {
      const eve = await person('person-eve');
      await ok(eve, APPLY_TO_JOIN, {
        input: { displayName: 'Eve', answers: questions.map((question) => ({ questionId: question.id, answer: 'Elsewhere' })), agreementsVersion: 2 },
      });
      const DECLINE = 'mutation($input: DeclineJoinApplicationInput!) { declineJoinApplication(input: $input) { status declineReason } }';
      expect(await ok(await coordinator('person-ana'), DECLINE, { input: { memberId: memberOf('person-eve'), reason: 'We only cover Arroios' } })).toEqual({
        declineJoinApplication: { status: 'DECLINED', declineReason: 'We only cover Arroios' },
      });
      expect(await ok(eve, '{ myJoinApplication { status declineReason } me { id } }')).toEqual({
        myJoinApplication: { status: 'DECLINED', declineReason: 'We only cover Arroios' },
        me: null,
      });
    });
  });

  describe('acknowledgements and leaving', () => {
    it('shows who acknowledged which version, and lets a member acknowledge the current one', async () => {
      await ok(await coordinator('person-ana'), PUBLISH, { input: { text: '# How we decide\n\nBy consent, monthly.\n\n# Boundaries\n\nAsk, never insist.' } });
      const ACK = 'mutation($version: Int!) { acknowledgeAgreements(version: $version) { id acknowledgedAgreementsVersion } }';
      expect(await refused(await person('person-bo'), ACK, { version: 2 })).toEqual({ code: 'STALE_AGREEMENTS_VERSION', field: 'version' });
      expect(await ok(await person('person-bo'), ACK, { version: 3 })).toEqual({
        acknowledgeAgreements: { id: memberOf('person-bo'), acknowledgedAgreementsVersion: 3 },
      });
      const WHO = `query($id: ID!, $after: String) { pod(id: $id) { agreements { version }
        agreementAcknowledgements(first: 2, after: $after) { edges { node { member { displayName } version current } } endCursor hasNextPage } } }`;
      type Who = {
        pod: { agreements: { version: number }; agreementAcknowledgements: { edges: { node: unknown }[]; endCursor: string; hasNextPage: boolean } };
      };
      const firstPage = await waitFor(
        async () => {
          const result = await ok<Who>(await person('person-dee'), WHO, { id: podId });
          const bo = result.pod.agreementAcknowledgements.edges.find((edge) => (edge.node as { version: number | null }).version === 3);
          return bo ? result : null;
        },
        { description: 'Bo’s acknowledgement in the read model' },
      );
      expect(firstPage.pod.agreements).toEqual({ version: 3 });
      expect(firstPage.pod.agreementAcknowledgements.edges.map((edge) => edge.node)).toEqual([
        { member: { displayName: 'Ana' }, version: null, current: false },
        { member: { displayName: 'Bo' }, version: 3, current: true },
      ]);
      expect(firstPage.pod.agreementAcknowledgements.hasNextPage).toBe(true);
      const secondPage = await ok<Who>(await person('person-dee'), WHO, { id: podId, after: firstPage.pod.agreementAcknowledgements.endCursor });
      // Whoever won the last use of the code joined before Dee was admitted.
      expect(secondPage.pod.agreementAcknowledgements.edges.map((edge) => edge.node)).toEqual([
        { member: { displayName: expect.stringMatching(/^(fay|gil)$/) }, version: 2, current: false },
        { member: { displayName: 'Dee' }, version: 2, current: false },
      ]);
      expect((await graphql(await person('person-dee'), WHO, { id: podId, after: 'not-a-cursor' })).errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
    });

    it('lets a member leave: they show as a former member, their role terms end, and other services hear of it', async () => {
      const GRANT = 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { role } }';
      await ok(await coordinator('person-ana'), GRANT, { input: { memberId: memberOf('person-bo'), role: 'treasurer' } });

      const LEAVE = 'mutation { leavePod { id status leftAt displayName } }';
      const { leavePod } = await ok<{ leavePod: Record<string, unknown> }>(await person('person-bo'), LEAVE);
      expect(leavePod).toEqual({ id: memberOf('person-bo'), status: 'FORMER', leftAt: expect.any(String), displayName: 'Bo' });
      const [stepDown] = await adminQuery<{ data: Record<string, unknown> }>(
        "select data from mutuo_events where stream_id = $1 and type = 'RoleSteppedDown'",
        [`pod-roles:${podId}:${podId}`],
      );
      expect(stepDown!.data).toMatchObject({ role: 'treasurer', memberId: memberOf('person-bo') });
      expect((await published(`${prefix}.evt.test-region.${podId}.membership.member-left.v1`)).data).toEqual({
        memberId: memberOf('person-bo'),
        podId,
        leftAt: leavePod.leftAt,
      });

      const seen = await waitFor(
        async () => {
          const { member } = await ok<{ member: { status: string; roles: unknown[] } | null }>(
            await person('person-dee'),
            'query($id: ID!) { member(id: $id) { status leftAt roles { role } } }',
            { id: memberOf('person-bo') },
          );
          return member?.status === 'FORMER' && member.roles.length === 0 ? member : null;
        },
        { description: 'Bo shown as a former member without roles' },
      );
      expect(seen).toMatchObject({ status: 'FORMER', leftAt: leavePod.leftAt });
      expect(await refused(await person('person-bo'), LEAVE)).toMatchObject({ code: 'NOT_A_MEMBER' });
      expect(await refused(await person('person-bo'), 'mutation { updateProfile(input: { pronouns: "he/him" }) { id } }')).toMatchObject({
        code: 'NOT_A_MEMBER',
      });
    });

    it('never lets a partner app join, apply, acknowledge or leave on anyone’s behalf', async () => {
      const partner = await new SignJWT({ pod: podId, roles: [], client_id: 'garden-app', scope: 'members:read requests:read requests:write' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('client:garden-app')
        .setIssuer(DEV_JWT_ISSUER)
        .setAudience(DEV_JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(sut.jwtSecret));
      expect(await refused(partner, JOIN, { input: { displayName: 'Garden app', agreementsVersion: 3 } })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(partner, 'mutation { acknowledgeAgreements(version: 3) { id } }')).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(partner, 'mutation { leavePod { id } }')).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(partner, APPLY, application({ name: 'Garden' }))).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('lets a pod leave its region', async () => {
      const LEAVE = 'mutation { leaveRegion(input: { reason: "We work on our own" }) { id regionId name } }';
      expect(await refused(await person('person-dee'), LEAVE)).toMatchObject({ code: 'FORBIDDEN' });
      expect(await ok(await coordinator('person-ana'), LEAVE)).toEqual({ leaveRegion: { id: podId, regionId: null, name: 'Arroios' } });
      expect(await refused(await coordinator('person-ana'), LEAVE)).toMatchObject({ code: 'NOT_IN_REGION' });
      expect((await published(`${prefix}.evt.test-region.${podId}.membership.pod-left-region.v1`)).data).toMatchObject({ podId, regionId });
      // Its former region's stewards no longer appoint its coordinators.
      const GRANT = 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { role } }';
      expect(await refused(await steward(), GRANT, { input: { podId, memberId: memberOf('person-dee'), role: 'coordinator' } })).toMatchObject({
        code: 'FORBIDDEN',
      });
    });

    it("lets another region's stewards admit the pod that left, and tells the other services", async () => {
      const operator = await token('person-operator', ['operator']);
      const porto = (await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Porto", slug: "porto" }) { id } }'))
        .createRegion.id;
      const ADMIT = 'mutation($input: AdmitPodToRegionInput!) { admitPodToRegion(input: $input) { id regionId } }';
      const portoSteward = await token('person-steward', ['region-steward'], undefined, 'porto');
      // Lisbon's stewards do not decide for Porto; a pod still in a region leaves it first.
      expect(await refused(await steward(), ADMIT, { input: { podId, regionId: porto } })).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refused(portoSteward, ADMIT, { input: { podId: 'pod', regionId: porto } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'podId' });
      expect(await ok(portoSteward, ADMIT, { input: { podId, regionId: porto } })).toEqual({ admitPodToRegion: { id: podId, regionId: porto } });
      expect(await refused(portoSteward, ADMIT, { input: { podId, regionId: porto } })).toMatchObject({ code: 'ALREADY_IN_REGION', field: 'podId' });
      expect((await published(`${prefix}.evt.test-region.${podId}.membership.pod-joined-region.v1`)).data).toMatchObject({ podId, regionId: porto });
    });
  });
});
