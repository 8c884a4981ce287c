jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { MatchMadeV1, MemberContactsChangedV1, MemberJoinedV1, PodCreatedV1, RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { deleteStreamsWithPrefix, startServiceUnderTest, startSmtpSink, waitFor, type ServiceUnderTest, type SmtpSink } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

/**
 * A requester who asked to stay anonymous is never named to the helper they are matched with: the helper's e-mail and
 * inbox say "a neighbour" in the helper's language. A request that is not anonymous still names the requester.
 */
describe('anonymous requesters in match notifications (real PostgreSQL, NATS and SMTP)', () => {
  let sink: SmtpSink;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  const bo = memberIdFor(podId, 'person-bo');
  const mailsTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));
  const mailTo = (address: string, subject: string) =>
    waitFor(async () => mailsTo(address).find((mail) => mail.parsed.subject === subject), { description: `"${subject}" to ${address}`, timeoutMs: 15_000 });
  const inboxOf = (memberId: string, subjectId: string) =>
    waitFor(
      async () => {
        const rows = await adminQuery<{ text: string }>(
          sut.db.adminUrl,
          `select text from inbox_notifications where recipient_member_id = $1 and kind = 'match-made' and subject_id = $2`,
          [memberId, subjectId],
        );
        return rows.length > 0 ? rows.map((row) => row.text) : undefined;
      },
      { description: 'the match-made inbox notification', timeoutMs: 15_000 },
    );
  const join = async (memberId: string, name: string, email: string, language: string) => {
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${memberId}`, {
      memberId,
      podId,
      preferredLanguage: language,
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(memberId, [{ kind: 'email', value: email }]),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${memberId}`, {
      memberId,
      podId,
      personId: `person-${name}`,
      displayName: name,
      preferredLanguage: language,
    });
  };
  /** Posts a request by Ana and matches Bo to it once notifications knows the request. */
  const postAndMatch = async (title: string, anonymous: boolean | undefined) => {
    const requestId = randomUUID();
    await publisher.publish(RequestPostedV1, podId, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: ana,
      title,
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
      ...(anonymous === undefined ? {} : { anonymous }),
    });
    await waitFor(
      async () => ((await adminQuery(sut.db.adminUrl, 'select 1 from known_requests where request_id = $1', [requestId])).length ? true : undefined),
      {
        description: 'the request to be known',
      },
    );
    const matchId = randomUUID();
    await publisher.publish(MatchMadeV1, podId, `match:${podId}:${matchId}`, {
      matchId,
      requestId,
      podId,
      offerId: null,
      suggestionId: randomUUID(),
      requesterMemberId: ana,
      requesterPodId: podId,
      helperMemberId: bo,
      helperPodId: podId,
      crossPod: false,
      via: 'confirmed',
      matchedAt: new Date().toISOString(),
    });
    return requestId;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_anonymous',
      appRole: 'mutuo_notifications_app',
      env: { REGION: TEST_REGION, NOTIFICATIONS_SMTP_URL: sink.url, NOTIFICATIONS_WORKER_INTERVAL_MS: '50', NOTIFICATIONS_RATE_LIMIT_MAX: '100' },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['en'],
      timezone: 'Europe/Lisbon',
    });
    await join(ana, 'Ana', 'ana@example.org', 'en');
    await join(bo, 'Bo', 'bo@example.org', 'es');
    await waitFor(
      async () => ((await adminQuery(sut.db.adminUrl, 'select 1 from recipients where member_id in ($1, $2)', [ana, bo])).length === 2 ? true : undefined),
      {
        description: 'both members to be known',
      },
    );
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sink?.close();
    await sut?.stop();
    if (sut) await deleteStreamsWithPrefix(sut.natsPrefix).catch(() => undefined);
  });

  it('tells the helper of an anonymous request that they help "a neighbour", in their language, never the requester name', async () => {
    const requestId = await postAndMatch('Medicine pick-up', true);
    const expected = 'Aceptaste ayudar a una persona vecina con "Medicine pick-up". Abre la aplicación para acordar los detalles.';
    const mail = await mailTo('bo@example.org', 'Hay alguien para "Medicine pick-up"');
    expect(mail.parsed.text?.trim()).toBe(expected);
    expect(mail.raw).not.toMatch(/Ana|ana@example\.org/);
    expect(await inboxOf(bo, requestId)).toEqual([expected]);
    // The requester still learns who helps them.
    const toAna = await mailTo('ana@example.org', 'A match for "Medicine pick-up"');
    expect(toAna.parsed.text).toContain('Bo will help you with "Medicine pick-up"');
  });

  it('still names the requester to the helper when the request is not anonymous', async () => {
    const requestId = await postAndMatch('Groceries', undefined);
    const expected = 'Aceptaste ayudar a Ana con "Groceries". Abre la aplicación para acordar los detalles.';
    const mail = await mailTo('bo@example.org', 'Hay alguien para "Groceries"');
    expect(mail.parsed.text?.trim()).toBe(expected);
    expect(await inboxOf(bo, requestId)).toEqual([expected]);
  });
});
