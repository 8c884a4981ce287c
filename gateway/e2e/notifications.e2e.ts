import { memberIdFor } from '@mutuo/contracts';
import { startSmtpSink, waitFor, type SmtpSink } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Notifications across the platform: membership's sealed codes arrive by real e-mail (an SMTP sink the test runs)
 * and work for verifying a contact and signing in; with the verified address, a posted request is told by e-mail
 * and in the inbox; coordinators see the delivery history, bad input is named by field, and a phone tree runs.
 */
describe('notifications through the gateway', () => {
  let sink: SmtpSink;
  let platform: PlatformHarness;
  const ANA = 'ana.notifications@example.org';
  /** The code in the newest e-mail to Ana after the `since`-th, once its subject is one of `subjects`. */
  const codeIn = (subjects: string[], since: number, timeoutMs = 30_000) =>
    waitFor(
      () =>
        sink.received
          .slice(since)
          .filter((mail) => mail.to.includes(ANA) && subjects.includes(mail.parsed.subject ?? ''))
          .map((mail) => /\b(\d{6})\b/.exec(mail.parsed.text ?? '')?.[1])
          .at(-1),
      { description: `an e-mail "${subjects.join('" or "')}"`, timeoutMs, intervalMs: 100 },
    );
  let podId: string;

  beforeAll(async () => {
    sink = await startSmtpSink();
    platform = new PlatformHarness({ serviceEnv: { notifications: { NOTIFICATIONS_SMTP_URL: sink.url, NOTIFICATIONS_WORKER_INTERVAL_MS: '100' } } });
    await platform.start();
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const region = await platform.data<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Braga", slug: $slug }) { id } }',
      {
        slug: `braga-${platform.suffix}`,
      },
    );
    podId = (
      await platform.data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Sé', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
    const ana = await platform.token('person-ana', podId, ['member']);
    await platform.data(ana, 'mutation { joinPod(input: { displayName: "Ana" }) { id } }');
    await platform.data(operator, 'mutation($input: GrantRoleInput!) { grantRole(input: $input) { id } }', {
      input: { podId, memberId: memberIdFor(podId, 'person-ana'), role: 'coordinator' },
    });
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await sink?.close();
  });

  it('delivers the contact-verification and sign-in codes by e-mail, and they work', async () => {
    const ana = await platform.token('person-ana', podId, ['member']);
    const added = await platform.data<{ addContactChannel: { contactChannels: { id: string }[] } }>(
      ana,
      'mutation($value: String!) { addContactChannel(input: { kind: EMAIL, value: $value }) { contactChannels { id } } }',
      { value: ANA },
    );
    const channelId = added.addContactChannel.contactChannels[0]!.id;
    let since = sink.received.length;
    await platform.data(ana, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: channelId });
    const verification = await codeIn(['Confirme o seu contacto'], since);
    await platform.data(ana, 'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { id } }', {
      id: channelId,
      code: verification,
    });

    // Membership learns of the verified address through its own read model: ask again until it knows it.
    since = sink.received.length;
    const code = await waitFor(
      async () => {
        await platform.data(null, 'mutation($email: String!) { requestSignInCode(input: { email: $email }) { codeLength } }', { email: ANA });
        // Before signing in, membership may not know the person's language: the code comes in theirs or in English.
        return codeIn(['O seu código de entrada no Mutuo', 'Your Mutuo sign-in code'], since, 4_000).catch(() => undefined);
      },
      { description: 'a sign-in code by e-mail', timeoutMs: 40_000, intervalMs: 500 },
    );
    const session = await platform.data<{ signIn: { accessToken: string } }>(
      null,
      'mutation($email: String!, $code: String!) { signIn(input: { email: $email, code: $code }) { accessToken } }',
      {
        email: ANA,
        code,
      },
    );
    expect(session.signIn.accessToken).toEqual(expect.any(String));
    const mail = sink.received.slice(since).find((received) => received.to.includes(ANA))!;
    expect(mail.parsed.text).toMatch(/^(O seu código de entrada é|Your sign-in code is) \d{6}\./);
  });

  it('tells the requester by e-mail and in the inbox, and shows the coordinator the delivery', async () => {
    const ana = await platform.token('person-ana', podId, ['member', 'coordinator']);
    const since = sink.received.length;
    await platform.data(ana, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
      input: { title: 'Sopa para a vizinha', language: 'pt', category: 'MEALS' },
    });
    await waitFor(() => sink.received.slice(since).find((mail) => mail.to.includes(ANA) && mail.parsed.subject === 'O seu pedido foi publicado'), {
      description: 'the request-posted e-mail',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const { me } = await platform.data<{ me: { inbox: { notifications: { id: string; kind: string; text: string }[] } } }>(
      ana,
      '{ me { inbox { notifications { id kind text } } } }',
    );
    const posted = me.inbox.notifications.find((notification) => notification.kind === 'REQUEST_POSTED')!;
    expect(posted.text).toBe('O seu pedido "Sopa para a vizinha" foi publicado. As pessoas do seu pod já o podem ver.');
    const history = await waitFor(
      async () => {
        const result = await platform.data<{ notificationDeliveries: { channel: string; status: string }[] }>(
          ana,
          'query($id: ID!) { notificationDeliveries(notificationId: $id) { channel status } }',
          {
            id: posted.id,
          },
        );
        return result.notificationDeliveries.some((delivery) => delivery.status === 'SENT') ? result.notificationDeliveries : undefined;
      },
      { description: 'the delivery history', timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(history).toEqual([{ channel: 'EMAIL', status: 'SENT' }]);
  });

  it('names the field of bad input and runs a phone tree the dispatcher can watch', async () => {
    const ana = await platform.token('person-ana', podId, ['member', 'coordinator']);
    const refused = await platform.graphql(ana, 'mutation { registerWebhookEndpoint(url: "http://partner.example.org/hook") { secret } }');
    // e2e runs with NODE_ENV=test, where http is allowed for local partners; a private address never is.
    const privateAddress = await platform.graphql(ana, 'mutation { registerWebhookEndpoint(url: "https://192.168.1.10/hook") { secret } }');
    expect(privateAddress.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_WEBHOOK_URL', field: 'url' });
    expect(refused.errors ?? []).toEqual([]);
    const phone = await platform.graphql(ana, 'mutation { sendTestMessage(channel: SMS, to: "0912345678") { accepted } }');
    expect(phone.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PHONE', field: 'to' });

    const anaId = memberIdFor(podId, 'person-ana');
    await platform.data(ana, 'mutation($ids: [ID!]!) { setUpPhoneTree(memberIds: $ids, fanOut: 2, ackTimeoutMinutes: 15) { status } }', { ids: [anaId] });
    const active = await platform.data<{ activatePhoneTree: { status: string; calls: { status: string; calledBy: string }[] } }>(
      ana,
      'mutation { activatePhoneTree(reason: "Cheia no rio Este") { status calls { status calledBy } } }',
    );
    expect(active.activatePhoneTree).toEqual({ status: 'ACTIVE', calls: [{ status: 'CALLED', calledBy: 'SYSTEM' }] });
    await platform.data(ana, 'mutation { acknowledgePhoneTreeCall { status } }');
    const { phoneTree } = await platform.data<{ phoneTree: { calls: { memberId: string; status: string }[] } }>(
      ana,
      '{ phoneTree { calls { memberId status } } }',
    );
    expect(phoneTree.calls).toEqual([{ memberId: anaId, status: 'ACKNOWLEDGED' }]);
  });
});
