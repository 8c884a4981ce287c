jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import {
  MemberContactsChangedV1,
  MemberJoinedV1,
  PodCreatedV1,
  RequestPostedV1,
  SignInCodeRequestedV1,
  memberIdFor,
  sealSignInCodeDelivery,
} from '@mutuo/contracts';
import { startService, type RunningService } from '@mutuo/service-kit';
import { deleteStreamsWithPrefix, startServiceUnderTest, TEST_NATS_URL, waitFor, type ServiceUnderTest, startSmtpSink, type SmtpSink } from '@mutuo/testing';
import { DeliveryCommands } from '../src/shared/delivery/delivery-commands';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, DEV_KEY, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

/**
 * E-mail through a real SMTP server: the message is valid MIME with a plain-text part, and each (event, recipient,
 * channel) is sent at most once, whether the event arrives twice or the service dies between deciding and sending.
 */
describe('e-mail delivery, at most once (real PostgreSQL, NATS and SMTP)', () => {
  let sink: SmtpSink;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  let running: RunningService | undefined;
  const podId = randomUUID();
  const ana = memberIdFor(podId, 'person-ana');
  const mailsTo = (address: string, subject?: string) =>
    sink.received.filter((mail) => mail.to.includes(address) && (!subject || mail.parsed.subject === subject));
  const deliveriesOf = (causeEventId: string) =>
    adminQuery<{ delivery_id: string; status: string; channel: string }>(
      sut.db.adminUrl,
      'select delivery_id, status, channel from deliveries where cause_event_id = $1',
      [causeEventId],
    );
  const env = (extra: Record<string, string>) => ({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: '0',
    REGION: TEST_REGION,
    DATABASE_ADMIN_URL: sut.db.adminUrl,
    DATABASE_URL: sut.db.appUrl,
    NATS_URL: TEST_NATS_URL,
    NATS_PREFIX: sut.natsPrefix,
    GATEWAY_SHARED_SECRET: sut.gatewaySecret,
    JWT_SECRET: sut.jwtSecret,
    NOTIFICATIONS_SMTP_URL: sink.url,
    NOTIFICATIONS_WORKER_INTERVAL_MS: '50',
    NOTIFICATIONS_RATE_LIMIT_MAX: '100',
    ...extra,
  });
  const postRequest = (requestId: string, title: string, eventId?: string) =>
    publisher.publish(
      RequestPostedV1,
      podId,
      `request:${podId}:${requestId}`,
      { requestId, podId, requesterMemberId: ana, title, category: 'groceries', urgency: 'normal', postedAt: new Date().toISOString() },
      eventId,
    );

  beforeAll(async () => {
    sink = await startSmtpSink();
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_email',
      appRole: 'mutuo_notifications_app',
      env: { REGION: TEST_REGION, NOTIFICATIONS_SMTP_URL: sink.url, NOTIFICATIONS_WORKER_INTERVAL_MS: '50', NOTIFICATIONS_RATE_LIMIT_MAX: '100' },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Arroios',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${ana}`, {
      memberId: ana,
      podId,
      preferredLanguage: 'pt-PT',
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(ana, [{ kind: 'email', value: 'ana@example.org' }]),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${ana}`, {
      memberId: ana,
      podId,
      personId: 'person-ana',
      displayName: 'Ana',
      preferredLanguage: 'pt-PT',
    });
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await running?.close();
    await sink?.close();
    await sut?.stop();
    await deleteStreamsWithPrefix(sut.natsPrefix).catch(() => undefined);
  });

  it('sends the welcome in the member language as valid MIME: headers, a plain-text part and an HTML alternative', async () => {
    const [mail] = await waitFor(async () => (mailsTo('ana@example.org').length ? mailsTo('ana@example.org') : undefined), {
      description: 'the welcome e-mail',
      timeoutMs: 15_000,
    });
    const { parsed, raw } = mail!;
    expect(parsed.subject).toBe('Bem-vindo/a ao seu pod, Ana');
    expect(parsed.text?.trim()).toBe('Bem-vindo/a ao pod, Ana. Peça ajuda quando precisar, ofereça quando puder.');
    expect(parsed.html).toContain('lang="pt"');
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Mutuo', address: 'no-reply@mutuo.localhost' });
    expect(parsed.messageId).toMatch(/^<[0-9a-f-]{36}@notifications\.mutuo>$/);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('mime-version')).toBe('1.0');
    expect(raw).toMatch(/Content-Type: multipart\/alternative;\s+boundary=/);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(parsed.date).toBeInstanceOf(Date);
  });

  it('sends one e-mail for an event that arrives twice, and records one inbox notification', async () => {
    const requestId = randomUUID();
    const eventId = randomUUID();
    await postRequest(requestId, 'Compras para sexta', eventId);
    await postRequest(requestId, 'Compras para sexta', eventId);
    await waitFor(async () => ((await deliveriesOf(eventId))[0]?.status === 'sent' ? true : undefined), {
      description: 'the delivery to be sent',
      timeoutMs: 15_000,
    });
    // Give a second copy every chance to appear before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(mailsTo('ana@example.org', 'O seu pedido foi publicado')).toHaveLength(1);
    expect(await deliveriesOf(eventId)).toHaveLength(1);
    const inbox = await adminQuery<{ n: number }>(sut.db.adminUrl, 'select count(*)::int as n from inbox_notifications where subject_id = $1', [requestId]);
    expect(inbox[0]!.n).toBe(1);
  });

  it('survives a crash between "decided" and "sent" with exactly one e-mail, and never resends one interrupted mid-send', async () => {
    // The first process stops: the next two events are only decided, by a process whose worker is off.
    await sut.service.close();
    const deciding = await startService(notificationsService, { env: env({ NOTIFICATIONS_WORKER_ENABLED: 'false' }), pollIntervalMs: 50 });
    const decidedOnly = randomUUID();
    const interrupted = randomUUID();
    await postRequest(randomUUID(), 'Farmácia', decidedOnly);
    await postRequest(randomUUID(), 'Pão', interrupted);
    await waitFor(async () => ((await deliveriesOf(decidedOnly)).length && (await deliveriesOf(interrupted)).length ? true : undefined), {
      description: 'both deliveries decided',
      timeoutMs: 15_000,
    });
    // Marked "sending", then the process dies before it knows whether the SMTP server took the message.
    const interruptedId = (await deliveriesOf(interrupted))[0]!.delivery_id;
    const em = deciding.orm.em.fork();
    await em.transactional(async (tx) => {
      await deciding.app.get(DeliveryCommands).handle(tx, podId, {
        type: 'StartSendAttempt',
        data: { deliveryId: interruptedId },
        metadata: { now: new Date().toISOString(), actorId: 'system:notifications', podId },
      });
    });
    await deciding.close();
    expect(mailsTo('ana@example.org', 'O seu pedido foi publicado')).toHaveLength(1);

    running = await startService(notificationsService, {
      env: env({ NOTIFICATIONS_SENDING_LEASE_MS: '1000', NOTIFICATIONS_SEND_TIMEOUT_MS: '900' }),
      pollIntervalMs: 50,
    });
    await postRequest(randomUUID(), 'Farmácia', decidedOnly); // and the event arrives once more after the restart
    await waitFor(async () => ((await deliveriesOf(decidedOnly))[0]?.status === 'sent' ? true : undefined), {
      description: 'the decided delivery sent',
      timeoutMs: 15_000,
    });
    await waitFor(async () => ((await deliveriesOf(interrupted))[0]?.status === 'unknown' ? true : undefined), {
      description: 'the interrupted one recovered',
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = mailsTo('ana@example.org', 'O seu pedido foi publicado').map((mail) => mail.parsed.text?.trim());
    expect(sent.filter((text) => text?.includes('Farmácia'))).toHaveLength(1);
    expect(sent.filter((text) => text?.includes('"Pão"'))).toHaveLength(0);
  });

  it('delivers a sign-in code sealed by membership, and never one past its expiry', async () => {
    const seal = (to: string, code: string, expiresAt: string) => {
      const deliveryId = randomUUID();
      return {
        deliveryId,
        purpose: 'sign-in' as const,
        channel: 'email' as const,
        locale: 'en',
        expiresAt,
        sealed: sealSignInCodeDelivery(DEV_KEY, { to, code }, { deliveryId, purpose: 'sign-in' }),
      };
    };
    const live = seal('bo@example.org', '482913', new Date(Date.now() + 10 * 60_000).toISOString());
    const expired = seal('cy@example.org', '111222', new Date(Date.now() - 1_000).toISOString());
    const expiredEvent = await publisher.publish(SignInCodeRequestedV1, null, `sign-in-code:-:${expired.deliveryId}`, expired);
    await publisher.publish(SignInCodeRequestedV1, null, `sign-in-code:-:${live.deliveryId}`, live);
    const [mail] = await waitFor(async () => (mailsTo('bo@example.org').length ? mailsTo('bo@example.org') : undefined), {
      description: 'the code e-mail',
      timeoutMs: 15_000,
    });
    expect(mail!.parsed.subject).toBe('Your Mutuo sign-in code');
    expect(mail!.parsed.text).toContain('Your sign-in code is 482913.');
    await waitFor(async () => ((await deliveriesOf(expiredEvent))[0]?.status === 'expired' ? true : undefined), {
      description: 'the stale code to expire',
      timeoutMs: 15_000,
    });
    expect(mailsTo('cy@example.org')).toHaveLength(0);
    // The event store keeps no address or code in clear.
    const stored = await adminQuery<{ data: string }>(
      sut.db.adminUrl,
      `select data::text from mutuo_events where type = 'DeliveryDecided' and data->>'kind' = 'sign-in-code'`,
    );
    expect(stored.map((row) => row.data).join()).not.toMatch(/482913|bo@example\.org/);
  });
});
