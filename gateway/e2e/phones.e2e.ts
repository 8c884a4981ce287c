import { startSmsSandbox, waitFor, type SmsSandbox } from '@mutuo/testing';
import { PlatformHarness } from './platform-harness';

/**
 * Phones across the platform, with no pre-verified fixture: a member adds a phone number, receives its code by SMS
 * (the SMS sandbox stands in for the provider), verifies it through the gateway, and is then told by SMS.
 */
describe('phones through the gateway', () => {
  let sms: SmsSandbox;
  let platform: PlatformHarness;
  const RITA = '+351 913 555 012';
  const RITAS_NUMBER = '+351913555012';
  const textsToRita = (since: number) => sms.messages.slice(since).filter((message) => message.to === RITAS_NUMBER);

  beforeAll(async () => {
    // Receipts would go to the service's public URL, which this run does not serve: they are not what is tested here.
    sms = await startSmsSandbox({ receipts: false });
    platform = new PlatformHarness({
      serviceEnv: {
        notifications: {
          NOTIFICATIONS_SMS_API_URL: sms.url,
          NOTIFICATIONS_SMS_ACCOUNT_SID: sms.accountSid,
          NOTIFICATIONS_SMS_AUTH_TOKEN: sms.authToken,
          NOTIFICATIONS_SMS_FROM: '+351210000000',
          NOTIFICATIONS_WORKER_INTERVAL_MS: '100',
        },
      },
      // Several suites share a 2-core machine: starting six processes may take a while.
      readyTimeoutMs: 300_000,
    });
    await platform.start();
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
    await sms?.close();
  });

  it('verifies a phone by a code sent by SMS, then tells the member by SMS', async () => {
    const operator = await platform.token('operator-1', undefined, ['operator']);
    const region = await platform.data<{ createRegion: { id: string } }>(
      operator,
      'mutation($slug: String!) { createRegion(input: { name: "Faro", slug: $slug }) { id } }',
      {
        slug: `faro-${platform.suffix}`,
      },
    );
    const podId = (
      await platform.data<{ createPod: { id: string } }>(operator, 'mutation($input: CreatePodInput!) { createPod(input: $input) { id } }', {
        input: { regionId: region.createRegion.id, name: 'Sé', languages: ['pt'], timezone: 'Europe/Lisbon' },
      })
    ).createPod.id;
    const rita = await platform.token('person-rita', podId, ['member']);
    await platform.data(rita, 'mutation { joinPod(input: { displayName: "Rita", preferredLanguage: "pt" }) { id } }');
    const added = await platform.data<{ addContactChannel: { contactChannels: { id: string }[] } }>(
      rita,
      'mutation($value: String!) { addContactChannel(input: { kind: PHONE, value: $value }) { contactChannels { id } } }',
      { value: RITA },
    );
    const channelId = added.addContactChannel.contactChannels[0]!.id;

    const since = sms.messages.length;
    await platform.data(rita, 'mutation($id: ID!) { requestContactVerification(channelId: $id) { codeLength } }', { id: channelId });
    const [codeText] = await waitFor(() => (textsToRita(since).length ? textsToRita(since) : undefined), {
      description: 'the verification code by SMS',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const code = /\b(\d{6})\b/.exec(codeText!.body)?.[1];
    expect(codeText!.body).toMatch(/^O seu código de confirmação é \d{6}\./);
    const verified = await platform.data<{ verifyContactChannel: { contactChannels: { kind: string; verification: string }[] } }>(
      rita,
      'mutation($id: ID!, $code: String!) { verifyContactChannel(input: { channelId: $id, code: $code }) { contactChannels { kind verification } } }',
      { id: channelId, code },
    );
    expect(verified.verifyContactChannel.contactChannels).toEqual([{ kind: 'PHONE', verification: 'VERIFIED' }]);

    // Notifications learns of the verified number from membership's contacts event, which may reach it after a request
    // posted right away (the two come from different services): from then on, what it tells Rita goes by SMS.
    const afterCode = sms.messages.length;
    const told = await waitFor(
      async () => {
        const sent = textsToRita(afterCode).find((message) => message.body.includes('foi publicado'));
        if (sent) return sent;
        await platform.data(rita, 'mutation($input: PostRequestInput!) { postRequest(input: $input) { id } }', {
          input: { title: 'Pão para a semana', language: 'pt', category: 'GROCERIES' },
        });
        return undefined;
      },
      { description: 'a request-posted SMS', timeoutMs: 60_000, intervalMs: 5_000 },
    );
    expect(told.body).toBe('O seu pedido "Pão para a semana" foi publicado. As pessoas do seu pod já o podem ver.');
  });
});
