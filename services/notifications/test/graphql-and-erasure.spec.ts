jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { MemberContactsChangedV1, MemberErasedV1, MemberJoinedV1, MemberLeftV1, PodCreatedV1, RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { startServiceUnderTest, waitFor, type ServiceUnderTest } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

interface InboxResult {
  _entities: { inbox: { unreadCount: number; notifications: { id: string; kind: string; text: string; readAt: string | null }[] } | null }[];
}
const INBOX =
  'query($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { inbox { unreadCount notifications { id kind text readAt } } } } }';

/** The GraphQL surface: inbox, preferences, bad input named by field, and what erasure leaves behind. */
describe('notifications GraphQL and erasure (real PostgreSQL and NATS)', () => {
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  let member: string;
  let coordinator: string;

  const errorOf = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
    const result = await sut.graphql(token, query, variables);
    expect(result.data ?? null).toBeNull();
    return { message: result.errors?.[0]?.message, ...(result.errors?.[0]?.extensions as { code?: string; field?: string }) };
  };

  beforeAll(async () => {
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_graphql',
      appRole: 'mutuo_notifications_app',
      env: { REGION: TEST_REGION },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Graça',
      languages: ['es'],
      timezone: 'Europe/Madrid',
    });
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${ana}`, {
      memberId: ana,
      podId,
      preferredLanguage: 'de',
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(ana, [{ kind: 'email', value: 'ana@example.org' }]),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${ana}`, {
      memberId: ana,
      podId,
      personId: 'person-ana',
      displayName: 'Ana Lima',
      preferredLanguage: 'de',
    });
    member = await sut.token('person-ana', podId);
    coordinator = await sut.token('person-coco', podId, ['member', 'coordinator']);
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sut?.stop();
  });

  it('shows the member their inbox in the pod language when theirs has no templates, with unread counts and mark-read', async () => {
    const inbox = await waitFor(
      async () => {
        const result = await sut.graphql<InboxResult>(member, INBOX, { id: ana });
        return result.data?._entities[0]?.inbox?.notifications.length ? result.data._entities[0].inbox : undefined;
      },
      { description: 'the welcome in the inbox', timeoutMs: 15_000 },
    );
    expect(inbox.unreadCount).toBe(1);
    expect(inbox.notifications[0]).toMatchObject({
      kind: 'WELCOME',
      text: 'Te damos la bienvenida al pod, Ana Lima. Pide ayuda cuando la necesites, ofrécela cuando puedas.',
      readAt: null,
    });
    const read = await sut.graphql<{ markNotificationRead: { readAt: string } }>(member, 'mutation($id: ID!) { markNotificationRead(id: $id) { readAt } }', {
      id: inbox.notifications[0]!.id,
    });
    expect(read.data?.markNotificationRead.readAt).toEqual(expect.any(String));
    await waitFor(async () => ((await sut.graphql<InboxResult>(member, INBOX, { id: ana })).data?._entities[0]?.inbox?.unreadCount === 0 ? true : undefined), {
      description: 'the unread count to drop',
    });
    const other = await sut.token('person-bo', podId);
    expect((await sut.graphql<InboxResult>(other, INBOX, { id: ana })).data?._entities[0]?.inbox).toBeNull();
  });

  it('keeps preferences and refuses an unknown locale or a channel listed twice, naming the field', async () => {
    const set = await sut.graphql<{ setNotificationPreferences: Record<string, unknown> }>(
      member,
      'mutation { setNotificationPreferences(input: { channels: [EMAIL, IN_APP], digests: [{ kind: REQUEST_POSTED, cadence: WEEKLY }], language: "pt", plainLanguage: true, emergenciesOverrideQuietHours: true }) { channels digests { kind cadence } language plainLanguage emergenciesOverrideQuietHours } }',
    );
    expect(set.data?.setNotificationPreferences).toEqual({
      channels: ['EMAIL', 'IN_APP'],
      digests: [{ kind: 'REQUEST_POSTED', cadence: 'WEEKLY' }],
      language: 'pt',
      plainLanguage: true,
      emergenciesOverrideQuietHours: true,
    });
    expect(await errorOf(member, 'mutation { setNotificationPreferences(input: { channels: [EMAIL], language: "tlh" }) { language } }')).toMatchObject({
      code: 'UNKNOWN_LOCALE',
      field: 'input.language',
    });
    expect(await errorOf(member, 'mutation { setNotificationPreferences(input: { channels: [SMS, SMS] }) { language } }')).toMatchObject({
      code: 'INVALID_PREFERENCES',
      field: 'channels.1',
    });
    expect(
      await errorOf(
        member,
        'mutation { setNotificationPreferences(input: { channels: [EMAIL], digests: [{ kind: SIGN_IN_CODE, cadence: DAILY }] }) { language } }',
      ),
    ).toMatchObject({ code: 'INVALID_PREFERENCES', field: 'digests.sign-in-code' });
  });

  it('refuses bad webhook URLs, addresses, numbers and templates with a clear error naming the field', async () => {
    const register = 'mutation($url: String!) { registerWebhookEndpoint(url: $url) { secret } }';
    expect(await errorOf(coordinator, register, { url: 'https://10.1.2.3/hooks' })).toMatchObject({
      code: 'INVALID_WEBHOOK_URL',
      field: 'url',
      message: expect.stringMatching(/private/),
    });
    expect(await errorOf(coordinator, register, { url: 'https://localhost:8443/hooks' })).toMatchObject({ code: 'INVALID_WEBHOOK_URL', field: 'url' });
    expect(await errorOf(coordinator, register, { url: 'https://[::1]/hooks' })).toMatchObject({ code: 'INVALID_WEBHOOK_URL', field: 'url' });
    expect(await errorOf(coordinator, register, { url: 'ftp://partner.example.org/hooks' })).toMatchObject({
      code: 'INVALID_WEBHOOK_URL',
      field: 'url',
      message: 'Webhook URLs must use https',
    });
    expect(await errorOf(coordinator, register, { url: 'not a url' })).toMatchObject({ code: 'INVALID_WEBHOOK_URL', field: 'url' });
    expect(await errorOf(member, register, { url: 'https://partner.example.org/hooks' })).toMatchObject({ code: 'FORBIDDEN' });

    const testMessage = 'mutation($channel: DeliveryChannel!, $to: String!) { sendTestMessage(channel: $channel, to: $to) { accepted } }';
    expect(await errorOf(coordinator, testMessage, { channel: 'EMAIL', to: 'ana(at)example.org' })).toMatchObject({ code: 'INVALID_EMAIL', field: 'to' });
    expect(await errorOf(coordinator, testMessage, { channel: 'SMS', to: '912 345 678' })).toMatchObject({
      code: 'INVALID_PHONE',
      field: 'to',
      message: expect.stringMatching(/E\.164/),
    });

    const preview = 'query($input: TemplatePreviewInput!) { previewNotificationTemplate(input: $input) { locale subject body } }';
    const template = { kind: 'DIGEST', locale: 'es', variant: 'PLAIN', subject: 'Resumen', body: '{count, plural, one {# aviso} other {# avisos}}' };
    const rendered = await sut.graphql<{ previewNotificationTemplate: { body: string } }>(coordinator, preview, { input: template });
    expect(rendered.data?.previewNotificationTemplate.body).toBe('3 avisos');
    expect(await errorOf(coordinator, preview, { input: { ...template, body: '{count, plural, one {# aviso}' } })).toMatchObject({
      code: 'TEMPLATE_SYNTAX_ERROR',
      field: 'input.body',
    });
    expect(await errorOf(coordinator, preview, { input: { ...template, subject: 'Hola {name' } })).toMatchObject({
      code: 'TEMPLATE_SYNTAX_ERROR',
      field: 'input.subject',
    });
    expect(await errorOf(coordinator, preview, { input: { ...template, locale: 'xx-YY' } })).toMatchObject({ code: 'UNKNOWN_LOCALE', field: 'input.locale' });
    expect(await errorOf(coordinator, preview, { input: { ...template, body: 'Hola {nombre}' } })).toMatchObject({
      code: 'TEMPLATE_PARAMETER_UNKNOWN',
      field: 'input.body',
    });

    const tree = 'mutation($ids: [ID!]!) { setUpPhoneTree(memberIds: $ids, fanOut: 2, ackTimeoutMinutes: 10) { status } }';
    expect(await errorOf(coordinator, tree, { ids: [ana, 'ana'] })).toMatchObject({ code: 'INVALID_ID', field: 'memberIds.1' });
    expect(await errorOf(coordinator, 'mutation { setUpPhoneTree(memberIds: [], fanOut: 2, ackTimeoutMinutes: 10) { status } }')).toMatchObject({
      code: 'INVALID_PHONE_TREE',
      field: 'memberIds',
    });
  });

  it('refuses a phone tree naming a member of another pod, or one who left, naming the entry', async () => {
    const otherPod = randomUUID();
    const fromOtherPod = memberIdFor(otherPod, 'person-bo');
    const leaver = memberIdFor(podId, 'person-cy');
    await publisher.publish(PodCreatedV1, otherPod, `pod:${otherPod}:${otherPod}`, {
      podId: otherPod,
      regionId: randomUUID(),
      name: 'Penha',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    await publisher.publish(MemberJoinedV1, otherPod, `member:${otherPod}:${fromOtherPod}`, {
      memberId: fromOtherPod,
      podId: otherPod,
      personId: 'person-bo',
      displayName: 'Bo',
      preferredLanguage: 'pt',
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${leaver}`, {
      memberId: leaver,
      podId,
      personId: 'person-cy',
      displayName: 'Cy',
      preferredLanguage: 'es',
    });
    await publisher.publish(MemberLeftV1, podId, `member:${podId}:${leaver}`, { memberId: leaver, podId, leftAt: new Date().toISOString() });
    await waitFor(
      async () => {
        const known = await adminQuery<{ member_id: string; left_at: Date | null }>(
          sut.db.adminUrl,
          'select member_id, left_at from recipients where member_id = any($1)',
          [[fromOtherPod, leaver]],
        );
        return known.length === 2 && known.find((row) => row.member_id === leaver)?.left_at ? true : undefined;
      },
      { description: 'the other pod member and the leaver known', timeoutMs: 15_000 },
    );
    const setUp = 'mutation($ids: [ID!]!) { setUpPhoneTree(memberIds: $ids, fanOut: 2, ackTimeoutMinutes: 10) { status calls { memberId } } }';
    expect(await errorOf(coordinator, setUp, { ids: [ana, fromOtherPod] })).toMatchObject({ code: 'NOT_A_POD_MEMBER', field: 'memberIds.1' });
    expect(await errorOf(coordinator, setUp, { ids: [leaver, ana] })).toMatchObject({ code: 'NOT_A_POD_MEMBER', field: 'memberIds.0' });
    const accepted = await sut.graphql<{ setUpPhoneTree: { status: string; calls: { memberId: string }[] } }>(coordinator, setUp, { ids: [ana] });
    expect(accepted.errors).toBeUndefined();
    expect(accepted.data?.setUpPhoneTree).toEqual({ status: 'READY', calls: [{ memberId: ana }] });
  });

  it('accepts only the event types partners are sent, refuses control and invisible-only text, and writes nothing', async () => {
    const events = async () => (await adminQuery<{ n: number }>(sut.db.adminUrl, 'select count(*)::int as n from mutuo_events'))[0]!.n;
    const before = await events();
    const register = 'mutation($types: [String!]) { registerWebhookEndpoint(url: "https://partner.example.org/hooks", eventTypes: $types) { secret } }';
    expect(await errorOf(coordinator, register, { types: ['requests.request-posted.v1', 'membership.member-joined.v1'] })).toMatchObject({
      code: 'INVALID_EVENT_TYPE',
      field: 'eventTypes.1',
    });
    expect(await errorOf(coordinator, register, { types: Array.from({ length: 4 }, () => 'requests.request-posted.v1') })).toMatchObject({
      code: 'INVALID_EVENT_TYPE',
      field: 'eventTypes',
    });
    expect(await errorOf(coordinator, register, { types: ['requests.request-posted.v1\u0000'] })).toMatchObject({
      code: 'INVALID_TEXT',
      field: 'eventTypes.0',
    });

    const activate = 'mutation($reason: String!) { activatePhoneTree(reason: $reason) { status } }';
    expect(await errorOf(coordinator, activate, { reason: 'Flood\u0000 on the river' })).toMatchObject({ code: 'INVALID_TEXT', field: 'reason' });
    expect(await errorOf(coordinator, activate, { reason: '\u200B\u2060\u3164\u2800' })).toMatchObject({ code: 'INVALID_REASON', field: 'reason' });
    const preview = 'query($input: TemplatePreviewInput!) { previewNotificationTemplate(input: $input) { subject } }';
    const template = { kind: 'DIGEST', locale: 'es', variant: 'PLAIN', subject: 'Resumen\nBcc: x', body: 'Hola' };
    expect(await errorOf(coordinator, preview, { input: template })).toMatchObject({ code: 'INVALID_TEXT', field: 'input.subject' });
    expect(await events()).toBe(before);
  });

  it('shows coordinators what happened to each channel of a notification, without addresses', async () => {
    const requestId = randomUUID();
    await publisher.publish(RequestPostedV1, podId, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: ana,
      title: 'Leña',
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
    });
    const [notification] = await waitFor(
      async () => {
        const rows = await adminQuery<{ id: string }>(sut.db.adminUrl, 'select id from inbox_notifications where subject_id = $1', [requestId]);
        const deliveries = await adminQuery(
          sut.db.adminUrl,
          'select 1 from deliveries d join inbox_notifications n on n.id = d.notification_id where n.subject_id = $1',
          [requestId],
        );
        return rows.length && deliveries.length ? rows : undefined;
      },
      { description: 'the notification and its delivery', timeoutMs: 15_000 },
    );
    const query = 'query($id: ID!) { notificationDeliveries(notificationId: $id) { channel status kind nextAttemptAt } }';
    const history = await sut.graphql<{ notificationDeliveries: { channel: string; status: string }[] }>(coordinator, query, { id: notification!.id });
    // Ana asked for request-posted weekly: the e-mail waits for her digest.
    expect(history.data?.notificationDeliveries).toEqual([expect.objectContaining({ channel: 'EMAIL', status: 'PENDING', kind: 'request-posted' })]);
    expect(JSON.stringify(history)).not.toContain('ana@example.org');
    expect(await errorOf(member, query, { id: notification!.id })).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('forgets the member on erasure: name, contacts and inbox texts go, a late contacts event brings nothing back', async () => {
    await publisher.publish(MemberErasedV1, podId, `member:${podId}:${ana}`, { memberId: ana, podId, erasedAt: new Date().toISOString() });
    const [recipient] = await waitFor(
      async () => {
        const rows = await adminQuery<{ display_name: string; email: string | null; erased_at: Date | null }>(
          sut.db.adminUrl,
          'select display_name, email, erased_at from recipients where member_id = $1',
          [ana],
        );
        return rows[0]?.erased_at ? rows : undefined;
      },
      { description: 'the erasure', timeoutMs: 15_000 },
    );
    expect(recipient).toMatchObject({ display_name: '', email: null });
    const texts = await adminQuery<{ text: string }>(sut.db.adminUrl, 'select text from inbox_notifications where recipient_member_id = $1', [ana]);
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((row) => row.text === '')).toBe(true);
    expect(await adminQuery(sut.db.adminUrl, 'select 1 from notification_preferences where member_id = $1', [ana])).toEqual([]);
    expect(await adminQuery(sut.db.adminUrl, 'select 1 from known_requests where requester_member_id = $1', [ana])).toEqual([]);
    // The texts in notifications' own events were sealed with Ana's key, and the key is gone.
    const recorded = await adminQuery<{ data: string }>(
      sut.db.adminUrl,
      `select data::text from mutuo_events where type in ('NotificationRecorded', 'DeliveryDecided')`,
    );
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.map((row) => row.data).join()).not.toMatch(/Ana Lima|Leña/);
    expect(await adminQuery(sut.db.adminUrl, 'select 1 from mutuo_personal_data_keys where owner_id = $1', [ana])).toEqual([]);
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${ana}`, {
      memberId: ana,
      podId,
      preferredLanguage: 'de',
      changedAt: new Date(Date.now() + 60_000).toISOString(),
      sealed: sealedContacts(ana, [{ kind: 'email', value: 'ana@example.org' }]),
    });
    await waitFor(
      async () => ((await adminQuery<{ n: number }>(sut.db.adminUrl, `select count(*)::int as n from mutuo_inbox`))[0]!.n >= 6 ? true : undefined),
      {
        description: 'the late event handled',
      },
    );
    expect((await adminQuery<{ email: string | null }>(sut.db.adminUrl, 'select email from recipients where member_id = $1', [ana]))[0]!.email).toBeNull();
  });
});
