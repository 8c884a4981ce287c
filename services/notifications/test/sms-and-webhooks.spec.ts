jest.setTimeout(60_000);

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  MemberContactsChangedV1,
  MemberJoinedV1,
  PodCreatedV1,
  RequestPostedV1,
  RoleGrantedV1,
  SignInCodeRequestedV1,
  memberIdFor,
  sealSignInCodeDelivery,
} from '@mutuo/contracts';
import {
  MetricsScrape,
  startServiceUnderTest,
  waitFor,
  type ServiceUnderTest,
  startSmtpSink,
  startSmsSandbox,
  type SmsSandbox,
  type SmtpSink,
} from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { adminQuery, DEV_KEY, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length ? items : undefined);

interface ReceivedHook {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * Written from the Standard Webhooks specification only (not from the service's code), as a partner would: the key is
 * the secret after `whsec_`, base64-decoded; each `v1,<base64>` in webhook-signature is an HMAC-SHA256 over
 * "<webhook-id>.<webhook-timestamp>.<body>"; a five-minute tolerance.
 */
function partnerVerifies(secret: string, headers: ReceivedHook['headers'], body: string, nowSeconds: number): boolean {
  const [id, timestamp, signatures] = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => String(headers[name] ?? ''));
  if (!id || !/^\d+$/.test(timestamp!) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures!.split(' ').some((entry) => {
    const given = Buffer.from(entry.replace(/^v1,/, ''), 'base64');
    return entry.startsWith('v1,') && given.length === expected.length && timingSafeEqual(expected, given);
  });
}

describe('SMS and partner webhooks (real PostgreSQL, NATS, SMTP, SMS sandbox and HTTP receivers)', () => {
  let sink: SmtpSink;
  let sms: SmsSandbox;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  let receiver: Server;
  let receiverUrl: string;
  const hooks: ReceivedHook[] = [];
  const failingStatus = 500;
  const podId = randomUUID();
  const id = (name: string) => memberIdFor(podId, `person-${name}`);
  const deliveriesOf = (causeEventId: string) =>
    adminQuery<{ channel: string; status: string; receipt: string | null; last_error: string | null }>(
      sut.db.adminUrl,
      'select channel, status, receipt, last_error from deliveries where cause_event_id = $1 order by decided_at, channel',
      [causeEventId],
    );
  const join = async (name: string, contacts: { kind: 'email' | 'phone'; value: string }[]) => {
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${id(name)}`, {
      memberId: id(name),
      podId,
      preferredLanguage: 'en',
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(id(name), contacts),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${id(name)}`, {
      memberId: id(name),
      podId,
      personId: `person-${name}`,
      displayName: name,
      preferredLanguage: 'en',
    });
  };
  const postRequest = (name: string, title: string) => {
    const requestId = randomUUID();
    return publisher.publish(RequestPostedV1, podId, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: id(name),
      title,
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
    });
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    sms = await startSmsSandbox();
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/failing') {
          response.writeHead(failingStatus).end();
          return;
        }
        hooks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // The service's public URL must be known before it starts: the SMS receipts come back to it.
    const port = 4_200 + Math.floor(Math.random() * 700);
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_channels',
      appRole: 'mutuo_notifications_app',
      env: {
        REGION: TEST_REGION,
        PORT: String(port),
        NOTIFICATIONS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        NOTIFICATIONS_SMTP_URL: sink.url,
        NOTIFICATIONS_SMS_API_URL: sms.url,
        NOTIFICATIONS_SMS_ACCOUNT_SID: sms.accountSid,
        NOTIFICATIONS_SMS_AUTH_TOKEN: sms.authToken,
        NOTIFICATIONS_SMS_FROM: '+351210000000',
        NOTIFICATIONS_WORKER_INTERVAL_MS: '50',
        NOTIFICATIONS_RATE_LIMIT_MAX: '100',
        // The partner's test receiver listens on loopback.
        NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
      },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Graça',
      languages: ['en'],
      timezone: 'Europe/Lisbon',
    });
    await publisher.publish(RoleGrantedV1, podId, `pod-roles:${podId}:${podId}`, {
      podId,
      termId: randomUUID(),
      memberId: id('coco'),
      role: 'coordinator',
      termStart: new Date().toISOString(),
      termEnd: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      consecutiveTerms: 1,
      via: 'bootstrap',
    });
    await join('coco', []);
    await join('bo', [{ kind: 'phone', value: '+351912000001' }]);
    await join('cy', [
      { kind: 'email', value: 'cy@example.org' },
      { kind: 'phone', value: '+351912000002' },
    ]);
    await join('dee', [
      { kind: 'email', value: 'dee@example.org' },
      { kind: 'phone', value: '+351912000003' },
    ]);
    await waitFor(
      async () => ((await adminQuery<{ n: number }>(sut.db.adminUrl, 'select count(*)::int as n from recipients'))[0]!.n === 4 ? true : undefined),
      {
        description: 'the four members known',
        timeoutMs: 15_000,
      },
    );
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sut?.stop();
    await sms?.close();
    await sink?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('sends an SMS through the provider and records its delivery receipt', async () => {
    const eventId = await postRequest('bo', 'Pharmacy run');
    const [delivery] = await waitFor(async () => ((await deliveriesOf(eventId))[0]?.receipt === 'delivered' ? deliveriesOf(eventId) : undefined), {
      description: 'the SMS delivered',
      timeoutMs: 15_000,
    });
    expect(delivery).toMatchObject({ channel: 'sms', status: 'sent', receipt: 'delivered' });
    const metrics = await MetricsScrape.of(sut.service.url);
    for (const outcome of ['sent', 'delivered']) {
      expect(metrics.value('mutuo_notification_deliveries_total', { service: 'notifications', channel: 'sms', outcome })).toBeGreaterThanOrEqual(1);
    }
    expect(sms.messages.filter((message) => message.to === '+351912000001').map((message) => message.body)).toContain(
      'Your request "Pharmacy run" is posted. People in your pod can see it now.',
    );
  });

  it("texts a phone's verification code from its sealed event, keeping number and code out of the event store", async () => {
    const deliveryId = randomUUID();
    const number = '+351912000099';
    const data = {
      deliveryId,
      purpose: 'contact-verification' as const,
      channel: 'sms' as const,
      locale: 'en',
      expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      sealed: sealSignInCodeDelivery(DEV_KEY, { to: number, code: '582910' }, { deliveryId, purpose: 'contact-verification', channel: 'sms' }),
    };
    const eventId = await publisher.publish(SignInCodeRequestedV1, podId, `sign-in-code:${podId}:${deliveryId}`, data);
    const [message] = await waitFor(() => nonEmpty(sms.messages.filter((sent) => sent.to === number)), { description: 'the code by SMS', timeoutMs: 15_000 });
    expect(message!.body).toMatch(/^Your confirmation code is 582910\. It works until /);
    await waitFor(async () => ((await deliveriesOf(eventId))[0]?.receipt === 'delivered' ? true : undefined), {
      description: 'its receipt',
      timeoutMs: 15_000,
    });
    expect(await deliveriesOf(eventId)).toEqual([expect.objectContaining({ channel: 'sms', status: 'sent' })]);
    const stored = await adminQuery<{ data: string }>(sut.db.adminUrl, `select data::text from mutuo_events where type = 'DeliveryDecided'`);
    expect(stored.map((row) => row.data).join()).not.toMatch(/912000099|582910/);
  });

  it('falls back to the next channel when the first refuses for good', async () => {
    sink.refuse.add('cy@example.org');
    const eventId = await postRequest('cy', 'Soup');
    const rows = await waitFor(
      async () => ((await deliveriesOf(eventId)).find((row) => row.channel === 'sms')?.status === 'sent' ? deliveriesOf(eventId) : undefined),
      {
        description: 'the SMS fallback sent',
        timeoutMs: 15_000,
      },
    );
    expect(rows.find((row) => row.channel === 'email')).toMatchObject({ status: 'failed' });
    expect(rows.find((row) => row.channel === 'email')?.last_error).toMatch(/550|refused/i);
    // Exactly one SMS for this notification (cy's welcome may have fallen back to SMS too, by the same rule).
    expect(sms.messages.filter((message) => message.to === '+351912000002' && message.body.includes('"Soup"'))).toHaveLength(1);
  });

  it('follows the member preferred order, and falls back to e-mail when the SMS receipt says undelivered', async () => {
    const token = await sut.token('person-dee', podId);
    const chosen = await sut.graphql<{ setNotificationPreferences: { channels: string[] } }>(
      token,
      'mutation { setNotificationPreferences(input: { channels: [SMS, EMAIL, IN_APP] }) { channels } }',
    );
    expect(chosen.data?.setNotificationPreferences.channels).toEqual(['SMS', 'EMAIL', 'IN_APP']);
    await waitFor(
      async () => ((await adminQuery(sut.db.adminUrl, 'select 1 from notification_preferences where member_id = $1', [id('dee')])).length ? true : undefined),
      {
        description: 'the preference projected',
      },
    );
    sms.undeliverable.add('+351912000003');
    const eventId = await postRequest('dee', 'Blankets');
    const rows = await waitFor(
      async () => ((await deliveriesOf(eventId)).find((row) => row.channel === 'email')?.status === 'sent' ? deliveriesOf(eventId) : undefined),
      {
        description: 'the e-mail fallback sent',
        timeoutMs: 15_000,
      },
    );
    expect(rows.find((row) => row.channel === 'sms')).toMatchObject({ status: 'failed', receipt: 'undelivered' });
    expect(sink.received.filter((mail) => mail.to.includes('dee@example.org'))).toHaveLength(2); // the welcome, then this
  });

  it('signs partner webhooks so that an independent implementation verifies them, and refuses tampering and replays', async () => {
    const coordinator = await sut.token('person-coco', podId, ['member', 'coordinator']);
    const registered = await sut.graphql<{ registerWebhookEndpoint: { secret: string; endpoint: { id: string; status: string } } }>(
      coordinator,
      'mutation($url: String!) { registerWebhookEndpoint(url: $url, eventTypes: ["requests.request-posted.v1"]) { secret endpoint { id status } } }',
      { url: `${receiverUrl}/partner` },
    );
    expect(registered.errors).toBeUndefined();
    const { secret } = registered.data!.registerWebhookEndpoint;
    await waitFor(async () => ((await adminQuery(sut.db.adminUrl, 'select 1 from webhook_endpoints')).length ? true : undefined), {
      description: 'the endpoint projected',
    });
    const eventId = await postRequest('bo', 'Firewood');
    const [hook] = await waitFor(async () => (hooks.length ? hooks : undefined), { description: 'the webhook', timeoutMs: 15_000 });
    const now = Math.floor(Date.now() / 1000);
    expect(partnerVerifies(secret, hook!.headers, hook!.body, now)).toBe(true);
    expect(partnerVerifies(secret, hook!.headers, hook!.body.replace('groceries', 'transport'), now)).toBe(false);
    expect(partnerVerifies(secret, hook!.headers, hook!.body, now + 3_600)).toBe(false);
    const payload = JSON.parse(hook!.body) as { id: string; type: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ type: 'requests.request-posted.v1', podId, data: { category: 'groceries', urgency: 'normal' } });
    expect(hook!.headers['webhook-id']).toBe(payload.id);
    // Partners learn that help is needed, not who asked or what they wrote.
    expect(hook!.body).not.toMatch(/Firewood|requesterMemberId|bo/);
    await waitFor(async () => ((await deliveriesOf(eventId)).find((row) => row.channel === 'webhook')?.status === 'sent' ? true : undefined), {
      description: 'the webhook delivery recorded as sent',
    });
  });

  it('rotates an endpoint secret: both sign during the overlap, then only the new one', async () => {
    const coordinator = await sut.token('person-coco', podId, ['member', 'coordinator']);
    const registered = await sut.graphql<{ registerWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
      coordinator,
      'mutation($url: String!) { registerWebhookEndpoint(url: $url) { secret endpoint { id } } }',
      { url: `${receiverUrl}/rotating` },
    );
    const { secret: first, endpoint } = registered.data!.registerWebhookEndpoint;
    const rotate = (hours: number) =>
      sut.graphql<{ rotateWebhookSecret: { secret: string } }>(
        coordinator,
        'mutation($id: ID!, $hours: Int!) { rotateWebhookSecret(id: $id, keepPreviousForHours: $hours) { secret } }',
        { id: endpoint.id, hours },
      );
    const fire = async () => {
      const before = hooks.length;
      const fired = await sut.graphql<{ testFireWebhookEndpoint: { status: string } }>(
        coordinator,
        'mutation($id: ID!) { testFireWebhookEndpoint(id: $id) { status } }',
        {
          id: endpoint.id,
        },
      );
      expect(fired.data?.testFireWebhookEndpoint.status).toBe('SENT');
      return hooks[before]!;
    };

    const overlapping = await rotate(24);
    const second = overlapping.data!.rotateWebhookSecret.secret;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    const during = await fire();
    const now = () => Math.floor(Date.now() / 1000);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(partnerVerifies(second, during.headers, during.body, now())).toBe(true);
    expect(partnerVerifies(first, during.headers, during.body, now())).toBe(true);

    const third = (await rotate(0)).data!.rotateWebhookSecret.secret;
    const after = await fire();
    expect(partnerVerifies(third, after.headers, after.body, now())).toBe(true);
    expect(partnerVerifies(second, after.headers, after.body, now())).toBe(false);
    expect(partnerVerifies(first, after.headers, after.body, now())).toBe(false);

    const tooLong = await rotate(169);
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_ROTATION_WINDOW', field: 'keepPreviousForHours' });
  });

  it('disables an endpoint after repeated failures and tells the pod coordinators', async () => {
    const coordinator = await sut.token('person-coco', podId, ['member', 'coordinator']);
    const registered = await sut.graphql<{ registerWebhookEndpoint: { endpoint: { id: string } } }>(
      coordinator,
      'mutation($url: String!) { registerWebhookEndpoint(url: $url) { endpoint { id } } }',
      { url: `${receiverUrl}/failing` },
    );
    const endpointId = registered.data!.registerWebhookEndpoint.endpoint.id;
    const statuses: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const fired = await sut.graphql<{ testFireWebhookEndpoint: { status: string; error: string | null } }>(
        coordinator,
        'mutation($id: ID!) { testFireWebhookEndpoint(id: $id) { status error } }',
        { id: endpointId },
      );
      expect(fired.errors).toBeUndefined();
      statuses.push(`${fired.data!.testFireWebhookEndpoint.status}:${fired.data!.testFireWebhookEndpoint.error}`);
    }
    // A 500 is retried later with backoff; each failure counts towards disabling.
    expect(statuses).toEqual(Array(5).fill('PENDING:HTTP 500'));
    const refused = await sut.graphql(coordinator, 'mutation($id: ID!) { testFireWebhookEndpoint(id: $id) { status } }', { id: endpointId });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'WEBHOOK_ENDPOINT_DISABLED', field: 'id' });
    const published = await adminQuery<{ data: { host: string; consecutiveFailures: number } }>(
      sut.db.adminUrl,
      `select data from mutuo_events where type = 'WebhookEndpointDisabled'`,
    );
    expect(published.map((row) => row.data)).toEqual([expect.objectContaining({ host: '127.0.0.1', consecutiveFailures: 5 })]);
    const inbox = await waitFor(
      async () => {
        const result = await sut.graphql<{ _entities: { inbox: { notifications: { kind: string; text: string }[] } }[] }>(
          coordinator,
          'query($id: ID!) { _entities(representations: [{ __typename: "Member", id: $id }]) { ... on Member { inbox { notifications { kind text } } } } }',
          { id: id('coco') },
        );
        const notifications = result.data?._entities[0]?.inbox.notifications ?? [];
        return notifications.some((notification) => notification.kind === 'WEBHOOK_ENDPOINT_DISABLED') ? notifications : undefined;
      },
      { description: 'the coordinator told', timeoutMs: 15_000 },
    );
    expect(inbox.find((notification) => notification.kind === 'WEBHOOK_ENDPOINT_DISABLED')?.text).toBe(
      'Deliveries to 127.0.0.1 failed 5 times in a row, so the endpoint was disabled. Fix it, then enable it again.',
    );
  });
});
