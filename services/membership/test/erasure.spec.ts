import { Client } from 'pg';
import { codeDeliveryKeyFrom, DEV_CODE_DELIVERY_KEY, memberIdFor, openMemberContacts, type MemberContactsChangedV1Data } from '@mutuo/contracts';
import { PostgresEventStore, streamName } from '@mutuo/event-store';
import { natsTestPrefix, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { membershipService } from '../src/membership.service';
import { ARROIOS_SERVICE_AREA } from './support/service-area';
import { publishedByMembership } from './support/published-events';

/** Distinctive enough that finding them anywhere means they were kept. */
const NAME = 'Zephyrine Quillfeather';
const PRONOUNS = 'zie/zir-quill';
const EMAIL = 'zephyrine.quillfeather@example.org';
const PHONE = '+351917654329';
const ANSWER = 'Quillfeather lives at Travessa do Zephyr 7';
const PRECISE_LAT = '38.726053';
const PERSONAL_STRINGS = [NAME, 'Quillfeather', PRONOUNS, EMAIL, PHONE, ANSWER, PRECISE_LAT];

/**
 * Erasure by crypto-shredding and the personal export, through the membership subgraph on a real PostgreSQL
 * database and NATS server: after erasure no table of membership's database (events included) holds the
 * member's personal data in plain text, read models show a former member, and rebuilding them from zero too.
 */
describe('erasure and personal export (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  let podId: string;
  const memberOf = (subject: string) => memberIdFor(podId, subject);

  const token = (subject: string, roles: string[], pod?: string, region?: string) => sut.token(subject, pod, roles, region);
  const person = (subject: string) => token(subject, ['member'], podId);
  const coordinator = () => token('person-ana', ['member', 'coordinator'], podId);

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await sut.graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  async function refused(bearer: string, query: string, variables: Record<string, unknown> = {}) {
    const { data, errors } = await sut.graphql(bearer, query, variables);
    expect(data ?? null).toBeNull();
    expect(errors).toBeDefined();
    return errors![0]!.extensions;
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

  /** Every row of every table of the database as text, searched for each string (case-insensitively). */
  async function plaintextFound(strings: readonly string[]): Promise<string[]> {
    const tables = await adminQuery<{ name: string }>("select quote_ident(tablename) as name from pg_tables where schemaname = 'public'");
    expect(tables.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const { name } of tables) {
      const rows = await adminQuery<{ row: string }>(`select t::text as row from ${name} t`);
      for (const text of rows.map((row) => row.row.toLowerCase())) {
        for (const needle of strings) if (text.includes(needle.toLowerCase())) found.push(`${name}: ${needle}`);
      }
    }
    return [...new Set(found)];
  }

  const published = (type?: string) => publishedByMembership(prefix, type);

  const MEMBER = 'query($id: ID!) { member(id: $id) { id displayName status pronouns contactChannels { value } } }';
  const APPLY_TO_JOIN = 'mutation($input: ApplyToJoinInput!) { applyToJoin(input: $input) { id status } }';
  const APPROVE_JOIN = 'mutation($id: ID!) { approveJoinApplication(memberId: $id) { id displayName } }';
  const ERASE_ME = 'mutation { eraseMyPersonalData { memberId podId erasedAt requestedBy } }';
  const ERASE_MEMBER = 'mutation($id: ID!) { eraseMemberPersonalData(memberId: $id) { memberId podId erasedAt requestedBy } }';
  const EXPORT = 'query { myPersonalData { memberId podId generatedAt json } }';
  let questionId: string;

  /** A pod whose first coordinator is Ana, admitting members by application with one join question. */
  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_erasure', appRole: 'mutuo_membership_app', natsPrefix: prefix });
    const operator = await token('person-operator', ['operator']);
    const regionId = (await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }'))
      .createRegion.id;
    const { applyToRegion } = await ok<{ applyToRegion: { id: string } }>(
      await token('person-ana', ['member']),
      'mutation($input: ApplyToRegionInput!) { applyToRegion(input: $input) { id } }',
      {
        input: {
          regionId,
          name: 'Arroios',
          description: 'Neighbours',
          languages: ['pt', 'en'],
          timezone: 'Europe/Lisbon',
          serviceArea: ARROIOS_SERVICE_AREA,
          applicantDisplayName: 'Anastasia Founderly',
        },
      },
    );
    podId = applyToRegion.id;
    await ok(await token('person-steward', ['region-steward'], undefined, 'lisboa'), 'mutation($id: ID!) { approvePodApplication(id: $id) { id } }', {
      id: podId,
    });
    const { changePodSettings } = await ok<{ changePodSettings: { joinQuestions: { id: string }[] } }>(
      await coordinator(),
      'mutation($input: ChangePodSettingsInput!) { changePodSettings(input: $input) { joinQuestions { id } } }',
      { input: { admissionMode: 'APPLICATION', joinQuestions: ['Where do you live?'] } },
    );
    questionId = changePodSettings.joinQuestions[0]!.id;
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  async function admit(subject: string, displayName: string, answer: string): Promise<string> {
    const bearer = await person(subject);
    await ok(bearer, APPLY_TO_JOIN, { input: { displayName, answers: [{ questionId, answer }] } });
    await ok(await coordinator(), APPROVE_JOIN, { id: memberOf(subject) });
    return bearer;
  }

  it('erases a member who asks: nothing personal stays readable anywhere in the database, and they show as a former member', async () => {
    const zeph = await admit('person-zeph', NAME, ANSWER);
    const zephId = memberOf('person-zeph');
    await ok(zeph, 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }', {
      input: { pronouns: PRONOUNS, skills: ['MEALS'], location: { precise: { lat: Number(PRECISE_LAT), lon: -9.13577 } } },
    });
    await ok(zeph, 'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { id } }', { value: EMAIL });
    await ok(zeph, 'mutation($value: String!) { addContactChannel(input: { kind: PHONE, value: $value }) { id } }', { value: PHONE });
    await ok(zeph, 'mutation($id: ID!) { blockMember(memberId: $id) { blocked } }', { id: memberOf('person-ana') });
    await ok(zeph, 'mutation { stepBack(input: { returnAt: null }) { paused } }');

    // The events never hold the personal fields in clear, even before erasure; the read models do, for the pod.
    const [events] = await adminQuery<{ text: string }>("select string_agg(t::text, '\n') as text from mutuo_events t where stream_id = $1", [
      streamName('member', podId, zephId),
    ]);
    for (const needle of PERSONAL_STRINGS) expect(events!.text.toLowerCase()).not.toContain(needle.toLowerCase());
    await waitFor(async () => ((await plaintextFound([EMAIL, PHONE])).length === 2 ? true : undefined), { description: 'the contact read model' });
    expect(await plaintextFound([NAME])).toEqual(expect.arrayContaining(['members: Zephyrine Quillfeather']));

    // What leaves the service: the facts and the sealed contacts, which the notifications key opens.
    const contacts = await waitFor(
      async () => {
        const found = (await published('membership.member-contacts-changed.v1')).filter((event) => (event.data as { memberId: string }).memberId === zephId);
        return found.length === 2 ? found : undefined;
      },
      { description: 'two contact snapshots published' },
    );
    const opened = openMemberContacts(codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY), contacts[1]!.data as MemberContactsChangedV1Data);
    expect(opened.channels.map((channel) => channel.value)).toEqual([EMAIL, PHONE]);
    expect(JSON.stringify(contacts.map((event) => event.data))).not.toContain(EMAIL);
    const facts = (await published('membership.member-profile-changed.v1')).filter((event) => (event.data as { memberId: string }).memberId === zephId);
    expect(facts.map((event) => event.data)).toEqual([
      { memberId: zephId, podId, languages: ['pt'], skills: [], locationCell: null, changedAt: expect.any(String) },
      { memberId: zephId, podId, languages: ['pt'], skills: ['meals'], locationCell: 'eycs21', changedAt: expect.any(String) },
    ]);

    // The relay publishes opened data: the joining carries the name as the contract says.
    const joinings = (await published('membership.member-joined.v1')).filter((event) => (event.data as { memberId: string }).memberId === zephId);
    expect(joinings.map((event) => (event.data as { displayName: string }).displayName)).toEqual([NAME]);

    // Their own export holds everything, before it is gone.
    const { myPersonalData } = await ok<{ myPersonalData: { memberId: string; json: string } }>(zeph, EXPORT);
    expect(myPersonalData.memberId).toBe(zephId);
    const exported = JSON.parse(myPersonalData.json) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(exported).toMatchObject({
      format: 'mutuo.membership.personal-data-export.v1',
      member: { id: zephId, display_name: NAME },
      current: {
        profile: { pronouns: PRONOUNS, skills: ['meals'] },
        privateDetails: { contactChannels: [expect.objectContaining({ value: EMAIL }), expect.objectContaining({ value: PHONE })] },
        pause: { returnAt: null },
      },
      joinApplication: { status: 'approved', displayName: NAME, answers: [expect.objectContaining({ answer: ANSWER })] },
      blocksMade: [expect.objectContaining({ blocked_member_id: memberOf('person-ana') })],
    });
    expect(exported['history'].map((event: { type: string }) => event.type)).toEqual(
      expect.arrayContaining(['JoinApplicationSubmitted', 'MemberJoined', 'ProfileUpdated', 'ContactChannelAdded', 'MemberBlocked', 'SteppedBack']),
    );

    // The erasure.
    const { eraseMyPersonalData } = await ok<{ eraseMyPersonalData: Record<string, unknown> }>(zeph, ERASE_ME);
    expect(eraseMyPersonalData).toEqual({ memberId: zephId, podId, erasedAt: expect.any(String), requestedBy: 'MEMBER' });
    expect(await adminQuery('select 1 from mutuo_personal_data_keys where owner_id = $1', [zephId])).toEqual([]);

    const ana = await coordinator();
    const former = await waitFor(
      async () => {
        const { member } = await ok<{ member: { displayName: string; status: string } | null }>(ana, MEMBER, { id: zephId });
        return member?.status === 'FORMER' ? member : undefined;
      },
      { description: 'the member shown as former' },
    );
    expect(former).toEqual({ id: zephId, displayName: 'Former member', status: 'FORMER', pronouns: null, contactChannels: [] });
    await waitFor(async () => ((await plaintextFound(PERSONAL_STRINGS)).length === 0 ? true : undefined), {
      description: 'no personal data left',
      timeoutMs: 10_000,
    }).catch(async () => expect(await plaintextFound(PERSONAL_STRINGS)).toEqual([]));

    // The history is whole (same streams, same versions); it only no longer says who.
    const types = (
      await adminQuery<{ type: string }>('select type from mutuo_events where stream_id = $1 order by stream_position', [streamName('member', podId, zephId)])
    ).map((row) => row.type);
    expect(types.slice(-2)).toEqual(['MemberLeft', 'MemberErased']);
    expect(types).toContain('ContactChannelAdded');
    const erasedEvents = await waitFor(
      async () => {
        const found = (await published('membership.member-erased.v1')).filter((event) => (event.data as { memberId: string }).memberId === zephId);
        return found.length > 0 ? found : undefined;
      },
      { description: 'the erasure published' },
    );
    expect(erasedEvents[0]!.data).toEqual({ memberId: zephId, podId, erasedAt: eraseMyPersonalData['erasedAt'] });

    // Erasure reaches the broker: the messages that carried their name or their (sealed) contacts are erased from the
    // stream, and nothing left on it says who they were.
    const carriedTheirData = ['membership.member-joined.v1', 'membership.member-contacts-changed.v1'];
    await waitFor(
      async () => {
        const left = (await published()).filter((event) => carriedTheirData.includes(event.type) && (event.data as { memberId: string }).memberId === zephId);
        return left.length === 0 ? true : undefined;
      },
      { description: 'their messages erased from the stream', timeoutMs: 15_000 },
    );
    const onTheStream = JSON.stringify(await published()).toLowerCase();
    for (const needle of PERSONAL_STRINGS) expect(onTheStream).not.toContain(needle.toLowerCase());

    // Read models rebuilt from zero say the same.
    for (const projection of membershipService.projections) await sut.service.projections.rebuild(projection.name);
    expect(await plaintextFound(PERSONAL_STRINGS)).toEqual([]);
    expect((await ok<{ member: unknown }>(ana, MEMBER, { id: zephId })).member).toEqual(former);

    // Erasure happens once; their export now holds nothing personal.
    expect(await refused(zeph, ERASE_ME)).toMatchObject({ code: 'ALREADY_ERASED', field: 'memberId' });
    const after = await ok<{ myPersonalData: { json: string } }>(zeph, EXPORT);
    for (const needle of PERSONAL_STRINGS) expect(after.myPersonalData.json.toLowerCase()).not.toContain(needle.toLowerCase());
    expect(JSON.parse(after.myPersonalData.json)).toMatchObject({ member: { display_name: 'Former member', status: 'former' } });
  }, 60_000);

  it('exports and erases nothing for someone who never belonged to the pod', async () => {
    expect(await refused(await person('person-stranger'), EXPORT)).toMatchObject({ code: 'NOT_A_MEMBER', field: 'podId' });
    expect(await refused(await person('person-stranger'), ERASE_ME)).toMatchObject({ code: 'MEMBER_NOT_FOUND', field: 'memberId' });
  });

  it('lets a coordinator erase a member who asked them, and nobody else', async () => {
    const bo = await admit('person-bo', 'Bo Vintersol', 'Bo lives on Rua Vintersol');
    expect(await refused(bo, ERASE_MEMBER, { id: memberOf('person-ana') })).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused(await coordinator(), ERASE_MEMBER, { id: 'not-an-id' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memberId' });
    expect(await refused(await coordinator(), ERASE_MEMBER, { id: memberOf('person-nobody') })).toMatchObject({ code: 'MEMBER_NOT_FOUND', field: 'memberId' });

    const { eraseMemberPersonalData } = await ok<{ eraseMemberPersonalData: Record<string, unknown> }>(await coordinator(), ERASE_MEMBER, {
      id: memberOf('person-bo'),
    });
    expect(eraseMemberPersonalData).toMatchObject({ memberId: memberOf('person-bo'), requestedBy: 'COORDINATOR' });
    await waitFor(async () => ((await plaintextFound(['Vintersol'])).length === 0 ? true : undefined), { description: 'Bo forgotten' });
    const [erased] = await adminQuery<{ actor: string }>(
      "select metadata->>'actorId' as actor from mutuo_events where type = 'MemberErased' and data->>'memberId' = $1",
      [memberOf('person-bo')],
    );
    expect(erased!.actor).toBe('person-ana');
  }, 30_000);

  it('reads events written before personal fields were sealed as they are', async () => {
    const memberId = memberOf('person-legacy');
    // As a store without the codec wrote them before this change.
    const plainStore = new PostgresEventStore();
    const joined = { memberId, podId, personId: 'person-legacy', displayName: 'Legacy Plainname', preferredLanguage: 'pt' };
    await plainStore.append(
      sut.service.orm.em.fork(),
      streamName('member', podId, memberId),
      [{ type: 'MemberJoined', data: joined, metadata: { occurredAt: new Date().toISOString(), actorId: 'person-legacy', podId } }],
      'no_stream',
    );
    const { events } = await sut.service.store.readStream(sut.service.orm.em.fork(), streamName('member', podId, memberId));
    expect(events.map((event) => event.data)).toEqual([joined]);
    const { member } = await waitFor(
      async () => {
        const found = await ok<{ member: { displayName: string } | null }>(await coordinator(), MEMBER, { id: memberId });
        return found.member ? found : undefined;
      },
      { description: 'the legacy member in the read model' },
    );
    expect(member!.displayName).toBe('Legacy Plainname');
  });

  it('forgets the name a pod founder applied with when they are erased (last: the coordinator goes)', async () => {
    expect(await plaintextFound(['Founderly'])).toEqual(expect.arrayContaining(['pod_applications: Founderly']));
    await ok(await coordinator(), ERASE_ME);
    await waitFor(async () => ((await plaintextFound(['Founderly'])).length === 0 ? true : undefined), { description: 'the founder forgotten' });
    // Their roles ended with their membership, as leaving would have it.
    const [coordinatorTerms] = await adminQuery<{ n: number }>("select count(*)::int as n from role_terms where member_id = $1 and status <> 'ended'", [
      memberOf('person-ana'),
    ]);
    expect(coordinatorTerms!.n).toBe(0);
  });
});
