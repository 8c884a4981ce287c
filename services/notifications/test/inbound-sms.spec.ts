jest.setTimeout(60_000);

import { randomBytes, randomUUID } from 'node:crypto';
import { MemberContactsChangedV1, MemberJoinedV1, PodCreatedV1, RequestPostedV1, memberIdFor } from '@mutuo/contracts';
import { startServiceUnderTest, startSmsSandbox, waitFor, type ServiceUnderTest, type SmsSandbox } from '@mutuo/testing';
import { notificationsService } from '../src/notifications.service';
import { PhoneTreeHandler } from '../src/shared/phone-tree.handler';
import { smsRequestSignature } from '../src/shared/channels/sms-request-signature';
import { adminQuery, EventPublisher, sealedContacts, TEST_REGION } from './support/event-publisher';

/**
 * Texts people send to our number, through the signed HTTP endpoint the provider posts them to, with the real
 * service, PostgreSQL, NATS and the SMS sandbox: STOP takes effect before the next send, START undoes it, HELP is
 * answered, a retried webhook is acted on once, and an unsigned or malformed one changes nothing.
 */
describe('inbound SMS (real PostgreSQL, NATS and SMS sandbox, through the HTTP endpoint)', () => {
  const secret = randomBytes(24).toString('hex');
  const podId = randomUUID();
  const bo = memberIdFor(podId, 'person-bo');
  const BOS_NUMBER = '+351912000101';
  let sms: SmsSandbox;
  let sut: ServiceUnderTest;
  let publisher: EventPublisher;
  let inboundUrl: string;

  const messageId = () => `SM${randomBytes(16).toString('hex')}`;
  const text = async (params: Record<string, string>, signature = smsRequestSignature(secret, inboundUrl, params)) => {
    const response = await fetch(inboundUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });
    return { status: response.status, body: await response.text() };
  };
  const consentEvents = () =>
    adminQuery<{ type: string; data: string }>(
      sut.db.adminUrl,
      `select type, data::text from mutuo_events where stream_id like 'sms-consent%' order by global_position`,
    );
  /** Posts a request for Bo and waits until the inbox has it: by then the SMS, if any, was decided. */
  const tellBo = async (title: string) => {
    const requestId = randomUUID();
    await publisher.publish(RequestPostedV1, podId, `request:${podId}:${requestId}`, {
      requestId,
      podId,
      requesterMemberId: bo,
      title,
      category: 'groceries',
      urgency: 'normal',
      postedAt: new Date().toISOString(),
    });
    await waitFor(
      async () => (await adminQuery(sut.db.adminUrl, 'select 1 from inbox_notifications where subject_id = $1', [requestId])).length > 0 || undefined,
      {
        description: 'the inbox notification',
        timeoutMs: 15_000,
      },
    );
    return requestId;
  };

  beforeAll(async () => {
    sms = await startSmsSandbox({ receipts: false });
    const port = 4_200 + Math.floor(Math.random() * 700);
    inboundUrl = `http://127.0.0.1:${port}/public/sms/inbound`;
    sut = await startServiceUnderTest(notificationsService, {
      databasePrefix: 'notifications_inbound_sms',
      appRole: 'mutuo_notifications_app',
      env: {
        REGION: TEST_REGION,
        PORT: String(port),
        NOTIFICATIONS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        NOTIFICATIONS_SMS_INBOUND_SECRET: secret,
        NOTIFICATIONS_SMS_API_URL: sms.url,
        NOTIFICATIONS_SMS_ACCOUNT_SID: sms.accountSid,
        NOTIFICATIONS_SMS_AUTH_TOKEN: sms.authToken,
        NOTIFICATIONS_SMS_FROM: '+351210000000',
        NOTIFICATIONS_WORKER_INTERVAL_MS: '50',
        NOTIFICATIONS_RATE_LIMIT_MAX: '100',
      },
    });
    publisher = await EventPublisher.connect(sut.natsPrefix);
    await publisher.publish(PodCreatedV1, podId, `pod:${podId}:${podId}`, {
      podId,
      regionId: randomUUID(),
      name: 'Graça',
      languages: ['pt'],
      timezone: 'Europe/Lisbon',
    });
    await publisher.publish(MemberContactsChangedV1, podId, `member:${podId}:${bo}`, {
      memberId: bo,
      podId,
      preferredLanguage: 'pt',
      changedAt: new Date().toISOString(),
      sealed: sealedContacts(bo, [{ kind: 'phone', value: BOS_NUMBER }]),
    });
    await publisher.publish(MemberJoinedV1, podId, `member:${podId}:${bo}`, {
      memberId: bo,
      podId,
      personId: 'person-bo',
      displayName: 'Bo',
      preferredLanguage: 'pt',
    });
    await waitFor(
      async () =>
        (await adminQuery(sut.db.adminUrl, 'select 1 from recipients r join pods p using (pod_id) where r.phone is not null')).length > 0 || undefined,
      {
        description: 'Bo and the pod known',
        timeoutMs: 15_000,
      },
    );
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await sut?.stop();
    await sms?.close();
  });

  it('refuses an unsigned or malformed text, naming what is wrong, and acts on none', async () => {
    const stop = { MessageSid: messageId(), From: BOS_NUMBER, Body: 'STOP' };
    expect(await text(stop, 'forged')).toMatchObject({ status: 403, body: JSON.stringify({ error: 'invalid_signature', field: 'X-Twilio-Signature' }) });
    expect(await text({ ...stop, From: '912000101' })).toMatchObject({ status: 400, body: JSON.stringify({ error: 'invalid_request', field: 'From' }) });
    expect(await text({ ...stop, MessageSid: 'x' })).toMatchObject({ status: 400, body: JSON.stringify({ error: 'invalid_request', field: 'MessageSid' }) });
    expect(await consentEvents()).toEqual([]);
  });

  it('stops texting a number from its STOP on, once however often the provider retries, and texts it again after START', async () => {
    const before = sms.messages.length;
    await tellBo('Pão');
    await waitFor(() => sms.messages.slice(before).find((message) => message.to === BOS_NUMBER), { description: 'the first SMS', timeoutMs: 15_000 });

    const stop = { MessageSid: messageId(), From: BOS_NUMBER, Body: 'Stop' };
    const stopped = await text(stop);
    expect(stopped).toEqual({
      status: 200,
      body: '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Mutuo: não receberá mais SMS nossos. Responda START para voltar a recebê-los.</Message></Response>',
    });
    expect(await text(stop)).toEqual(stopped);
    const events = await consentEvents();
    expect(events.map((event) => event.type)).toEqual(['SmsOptedOut']);
    expect(events[0]!.data).not.toContain('912000101');

    const afterStop = sms.messages.length;
    await tellBo('Sopa');
    // The inbox has it; give the worker several passes to show it sends nothing by SMS.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sms.messages.slice(afterStop).filter((message) => message.to === BOS_NUMBER)).toEqual([]);

    const started = await text({ MessageSid: messageId(), From: BOS_NUMBER, Body: 'START' });
    expect(started.body).toContain('os SMS voltaram');
    const afterStart = sms.messages.length;
    await tellBo('Fruta');
    const again = await waitFor(() => sms.messages.slice(afterStart).find((message) => message.to === BOS_NUMBER), {
      description: 'SMS again',
      timeoutMs: 15_000,
    });
    expect(again.body).toContain('"Fruta"');
    expect((await consentEvents()).map((event) => event.type)).toEqual(['SmsOptedOut', 'SmsOptedIn']);
  });

  it("answers HELP with the pod's name and how to stop, in the member's language, and anyone else in English", async () => {
    const help = await text({ MessageSid: messageId(), From: BOS_NUMBER, Body: 'ajuda' });
    expect(help.body).toContain('<Message>Mutuo, Graça: mensagens de ajuda mútua. Responda STOP para parar os SMS');
    const stranger = await text({ MessageSid: messageId(), From: '+447700900123', Body: 'HELP' });
    expect(stranger.body).toContain('<Message>Mutuo: mutual aid messages. Reply STOP to stop texts');
  });

  it('acknowledges the phone-tree call a YES answers, and nothing for a number in no such conversation', async () => {
    // Bo's latest SMS told of a request: a YES to it cannot be read.
    expect((await text({ MessageSid: messageId(), From: BOS_NUMBER, Body: 'Sim' })).body).toContain('não percebemos a resposta');
    const trees = sut.service.app.get(PhoneTreeHandler);
    const dispatcher = { actorId: 'person-dispatcher', podId };
    await trees.setUp(podId, { memberIds: [bo], fanOut: 2, ackTimeoutMinutes: 30 }, { now: new Date().toISOString(), ...dispatcher });
    const since = sms.messages.length;
    await trees.activate(podId, 'Cheia no rio', { now: new Date().toISOString(), ...dispatcher });
    await waitFor(() => sms.messages.slice(since).find((message) => message.to === BOS_NUMBER), { description: 'the call by SMS', timeoutMs: 15_000 });
    await waitFor(
      async () => (await adminQuery(sut.db.adminUrl, `select 1 from deliveries where kind = 'phone-tree-call' and status = 'sent'`)).length > 0 || undefined,
      { description: 'the call recorded as sent', timeoutMs: 15_000 },
    );

    expect((await text({ MessageSid: messageId(), From: '+447700900123', Body: 'YES' })).body).toContain('we could not read that reply');
    expect((await trees.status(podId)).status === 'active' && (await trees.status(podId))).toMatchObject({ calls: [{ memberId: bo, status: 'called' }] });
    expect((await text({ MessageSid: messageId(), From: BOS_NUMBER, Body: 'sim' })).body).toContain(
      '<Message>Mutuo: obrigado, o seu pod sabe que recebeu a mensagem.</Message>',
    );
    expect(await trees.status(podId)).toMatchObject({ status: 'active', calls: [{ memberId: bo, status: 'acknowledged' }] });
  });
});
