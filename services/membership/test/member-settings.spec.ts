import { Client } from 'pg';
import { memberIdFor } from '@mutuo/contracts';
import { natsTestPrefix, startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { PauseReturnScheduler } from '../src/member-settings/boundaries/pause-return.scheduler';
import { membershipService } from '../src/membership.service';
import { publishedByMembership } from './support/published-events';

const ME = `{ me { id displayName pronouns languages skills location { cell precise { lat lon } }
  contactChannels { id kind value verification preferred } boundaries { weeklyCapacityHours timezone quietHours { start end }
  availability { rrule durationMinutes } } paused returnAt } }`;

describe('member settings (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  const prefix = natsTestPrefix();
  let podId: string;

  beforeAll(async () => {
    sut = await startServiceUnderTest(membershipService, { databasePrefix: 'membership_settings', appRole: 'mutuo_membership_app', natsPrefix: prefix });

    const operator = await sut.token('person-operator', undefined, ['operator']);
    const region = await ok<{ createRegion: { id: string } }>(operator, 'mutation { createRegion(input: { name: "Lisboa", slug: "lisboa" }) { id } }');
    podId = (
      await ok<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Arroios', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
  }, 60_000);

  afterAll(async () => {
    await sut?.stop();
  });

  const member = (subject: string) => sut.token(subject, podId, ['member']);

  const graphql = <T>(bearer: string, query: string, variables: Record<string, unknown> = {}) => sut.graphql<T>(bearer, query, variables);

  async function ok<T = Record<string, unknown>>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const { data, errors } = await graphql<T>(bearer, query, variables);
    if (errors) throw new Error(`GraphQL errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  async function join(subject: string, displayName: string): Promise<string> {
    const token = await member(subject);
    await ok(token, 'mutation($name: String!) { joinPod(input: { displayName: $name }) { id } }', { name: displayName });
    return token;
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

  const published = (type: string) => publishedByMembership(prefix, type);

  it('answers a profile change at once, from the stream, and the read model agrees a moment later', async () => {
    const ana = await join('person-ana', 'Ana');
    const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) {
      displayName pronouns languages skills location { cell precise { lat lon } } } }`;
    const answer = await ok<{ updateProfile: unknown }>(ana, UPDATE, {
      input: {
        displayName: 'Ana Sousa',
        pronouns: 'she/her',
        languages: ['pt-pt', 'en'],
        skills: ['TRANSLATION', 'GROCERIES'],
        location: { precise: { lat: 38.72605, lon: -9.13577 } },
      },
    });
    const expected = {
      displayName: 'Ana Sousa',
      pronouns: 'she/her',
      languages: ['pt-PT', 'en'],
      skills: ['GROCERIES', 'TRANSLATION'],
      location: { cell: 'eycs21', precise: { lat: 38.72605, lon: -9.13577 } },
    };
    expect(answer.updateProfile).toEqual(expected);

    const added = await ok<{ addContactChannel: { contactChannels: { id: string; kind: string; preferred: boolean }[] } }>(
      ana,
      'mutation { addContactChannel(input: { kind: EMAIL, value: "Ana@Example.org" }) { contactChannels { id kind value verification preferred } } }',
    );
    expect(added.addContactChannel.contactChannels).toEqual([
      { id: expect.any(String), kind: 'EMAIL', value: 'Ana@example.org', verification: 'UNVERIFIED', preferred: true },
    ]);
    const phone = await ok<{ addContactChannel: { contactChannels: { id: string; kind: string }[] } }>(
      ana,
      'mutation { addContactChannel(input: { kind: PHONE, value: "+351 912 345 678" }) { contactChannels { id kind } } }',
    );
    const phoneId = phone.addContactChannel.contactChannels.find((channel) => channel.kind === 'PHONE')!.id;
    await ok(ana, 'mutation($id: ID!) { setPreferredChannel(id: $id) { id } }', { id: phoneId });

    const me = await waitFor(
      async () => {
        const result = (await ok<{ me: { displayName: string; contactChannels: { kind: string; preferred: boolean }[] } }>(ana, ME)).me;
        return result.displayName === 'Ana Sousa' && result.contactChannels[0]?.kind === 'PHONE' ? result : undefined;
      },
      { description: 'the read models to catch up', timeoutMs: 10_000 },
    );
    expect(me).toMatchObject({ ...expected, paused: false, returnAt: null, boundaries: null });
    expect(me.contactChannels).toEqual([
      { id: phoneId, kind: 'PHONE', value: '+351912345678', verification: 'UNVERIFIED', preferred: true },
      { id: expect.any(String), kind: 'EMAIL', value: 'Ana@example.org', verification: 'UNVERIFIED', preferred: false },
    ]);
  });

  it('refuses bad input with a code naming the field, and writes no event', async () => {
    const bo = await join('person-bo', 'Bo');
    const before = await countEvents();
    const SET = 'mutation($input: BoundariesInput!) { setBoundaries(input: $input) { id } }';
    const cases: [string, Record<string, unknown>, string, string][] = [
      [SET, { input: { availability: [], weeklyCapacityHours: -1 } }, 'INVALID_CAPACITY', 'weeklyCapacityHours'],
      [
        SET,
        { input: { availability: [{ rrule: 'FREQ=DAILY;BYHOUR=9', durationMinutes: 60 }], weeklyCapacityHours: 2 } },
        'INVALID_RRULE',
        'availability[0].rrule',
      ],
      [SET, { input: { availability: [], weeklyCapacityHours: 2, timezone: 'Europe/Atlantis' } }, 'INVALID_TIMEZONE', 'timezone'],
      ['mutation { updateProfile(input: { languages: ["klingonese"] }) { id } }', {}, 'INVALID_LANGUAGES', 'languages'],
      ['mutation { updateProfile(input: { location: { cell: "eycs2i" } }) { id } }', {}, 'INVALID_LOCATION_CELL', 'location.cell'],
      ['mutation { updateProfile(input: { location: { cell: "eycs2" } }) { id } }', {}, 'INVALID_LOCATION_CELL', 'location.cell'],
      [
        'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
        { input: { displayName: 'Bo\u0000' } },
        'INVALID_TEXT',
        'input.displayName',
      ],
      [
        'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
        { input: { displayName: '\u200B\u2060\u3164' } },
        'INVALID_DISPLAY_NAME',
        'displayName',
      ],
      [
        'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
        { input: { pronouns: 'they\u202E\u200B\nthem' } },
        'INVALID_PRONOUNS',
        'pronouns',
      ],
      ['mutation { addContactChannel(input: { kind: PHONE, value: "912345678" }) { id } }', {}, 'INVALID_CONTACT_VALUE', 'value'],
      ['mutation { stepBack(input: { returnAt: "2001-01-01T00:00:00Z" }) { id } }', {}, 'INVALID_RETURN_DATE', 'returnAt'],
      [`mutation { blockMember(memberId: "${memberIdFor(podId, 'person-bo')}") { blocked } }`, {}, 'CANNOT_BLOCK_SELF', 'memberId'],
      ['mutation { blockMember(memberId: "not-a-member") { blocked } }', {}, 'MEMBER_NOT_FOUND', 'memberId'],
    ];
    for (const [query, variables, code, field] of cases) {
      const { errors } = await graphql(bo, query, variables);
      expect([code, errors?.[0]?.extensions]).toEqual([code, { code, field }]);
      expect(JSON.stringify(errors)).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(await countEvents()).toBe(before);

    const outsider = await member('person-never-joined');
    const { errors } = await graphql(outsider, 'mutation { stepBack { id } }');
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'NOT_A_MEMBER' });
  });

  it('sets boundaries in the pod time zone by default and publishes them for matching and notifications', async () => {
    const cleo = await join('person-cleo', 'Cleo');
    const { setBoundaries } = await ok<{ setBoundaries: { boundaries: unknown } }>(
      cleo,
      `mutation { setBoundaries(input: {
        availability: [{ rrule: "RRULE:FREQ=WEEKLY;BYDAY=SA,TU;BYHOUR=10", durationMinutes: 180 }],
        weeklyCapacityHours: 3.5, quietHours: { start: "21:30", end: "08:00" } }) {
        boundaries { availability { rrule durationMinutes } weeklyCapacityHours quietHours { start end } timezone } } }`,
    );
    const boundaries = {
      availability: [{ rrule: 'FREQ=WEEKLY;BYDAY=TU,SA;BYHOUR=10;BYMINUTE=0', durationMinutes: 180 }],
      weeklyCapacityHours: 3.5,
      quietHours: { start: '21:30', end: '08:00' },
      timezone: 'Europe/Lisbon',
    };
    expect(setBoundaries.boundaries).toEqual(boundaries);
    const changed = await waitFor(async () => (await published('membership.boundaries-changed.v1'))[0], {
      description: 'boundaries-changed in JetStream',
      timeoutMs: 10_000,
    });
    expect(changed.data).toEqual({ memberId: memberIdFor(podId, 'person-cleo'), podId, ...boundaries });
  });

  it('brings a paused member back by themself when the return date passes, and says so once', async () => {
    const dan = await join('person-dan', 'Dan');
    const danId = memberIdFor(podId, 'person-dan');
    const returnAt = new Date(Date.now() + 1_500).toISOString();
    const { stepBack } = await ok<{ stepBack: { paused: boolean; returnAt: string } }>(
      dan,
      'mutation($at: String) { stepBack(input: { returnAt: $at }) { paused returnAt } }',
      { at: returnAt },
    );
    expect(stepBack).toEqual({ paused: true, returnAt });

    // Nobody calls anything: the scheduler's timer for the known return date does it.
    await waitFor(async () => (await ok<{ me: { paused: boolean } }>(dan, '{ me { paused } }')).me.paused === false, {
      description: 'the automatic return',
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    // The relay publishes after the commit, at its own pace: wait for the pause on the stream, then check it is one.
    const paused = await waitFor(
      async () => {
        const events = (await published('membership.member-paused.v1')).filter((e) => (e.data as { memberId: string }).memberId === danId);
        return events.length > 0 ? events : undefined;
      },
      { description: 'the published pause', timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(paused.map((event) => event.data)).toEqual([{ memberId: danId, podId, pausedAt: expect.any(String), returnAt }]);
    const returned = await waitFor(
      async () => {
        const events = (await published('membership.member-returned.v1')).filter((e) => (e.data as { memberId: string }).memberId === danId);
        return events.length ? events : undefined;
      },
      { description: 'member-returned in JetStream', timeoutMs: 10_000 },
    );
    expect(returned.map((event) => [event.actorid, event.data])).toEqual([
      ['system:membership', { memberId: danId, podId, returnedAt: expect.any(String), automatic: true }],
    ]);
    expect(Date.parse((returned[0]!.data as { returnedAt: string }).returnedAt)).toBeGreaterThanOrEqual(Date.parse(returnAt));
  });

  it('returns a member once when several scheduler replicas scan at the same moment', async () => {
    const scheduler = sut.service.app.get(PauseReturnScheduler);
    await scheduler.stop();
    try {
      const eve = await join('person-eve', 'Eve');
      const returnAt = new Date(Date.now() + 800).toISOString();
      await ok(eve, 'mutation($at: String) { stepBack(input: { returnAt: $at }) { id } }', { at: returnAt });
      await waitFor(async () => (await ok<{ me: { paused: boolean } }>(eve, '{ me { paused } }')).me.paused, { description: 'the pause read model' });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(returnAt) - Date.now()) + 50));

      const reports = await Promise.all([scheduler.runOnce(), scheduler.runOnce(), scheduler.runOnce()]);
      expect(reports.reduce((sum, report) => sum + report.returned, 0)).toBe(1);
      expect(reports.every((report) => report.failed === 0)).toBe(true);
      const client = new Client({ connectionString: sut.db.adminUrl });
      await client.connect();
      try {
        const { rows } = await client.query("select count(*)::int as n from mutuo_events where type = 'Returned' and stream_id like $1", [
          `member:${podId}:${memberIdFor(podId, 'person-eve')}`,
        ]);
        expect(rows[0].n).toBe(1);
      } finally {
        await client.end();
      }
    } finally {
      scheduler.start();
    }
  });
});
