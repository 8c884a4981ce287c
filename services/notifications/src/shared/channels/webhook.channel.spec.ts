import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notificationsConfigFrom } from './notifications.config';
import { WebhookChannel, type HostResolver, type ResolvedAddress } from './webhook.channel';

/** A DNS server the test controls: each lookup of a name gets the next answer (the last one repeats). */
function rebindingResolver(...answers: ResolvedAddress[][]): HostResolver & { readonly lookups: string[] } {
  const lookups: string[] = [];
  const resolve = async (host: string) => {
    lookups.push(host);
    return answers[Math.min(lookups.length, answers.length) - 1]!;
  };
  return Object.assign(resolve, { lookups });
}

const PUBLIC: ResolvedAddress = { address: '1.1.1.1', family: 4 };
const LOOPBACK: ResolvedAddress = { address: '127.0.0.1', family: 4 };

describe('webhook channel: the post goes to the address that was checked', () => {
  let server: Server;
  let port: number;
  const received: { url: string; headers: IncomingHttpHeaders }[] = [];
  let answer = (response: import('node:http').ServerResponse) => response.writeHead(204).end();
  const channel = (resolver: HostResolver, allowPrivateAddresses = false) =>
    new WebhookChannel(
      {
        ...notificationsConfigFrom({ NODE_ENV: 'test', NOTIFICATIONS_SEND_TIMEOUT_MS: '500' }),
        webhookAllowPrivateAddresses: allowPrivateAddresses,
      },
      resolver,
    );
  const message = (url: string) => ({ deliveryId: 'delivery-1', url, secrets: ['whsec_c2VjcmV0'], body: '{"type":"test"}', now: new Date() });

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      received.push({ url: request.url!, headers: request.headers });
      answer(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => {
    received.length = 0;
    answer = (response) => response.writeHead(204).end();
  });

  it('resolves once and connects to the public address it checked, never to what the name answers next (DNS rebinding)', async () => {
    const resolver = rebindingResolver([PUBLIC], [LOOPBACK]);
    const outcome = await channel(resolver).send(message(`http://rebind.example:${port}/hook`));
    expect(resolver.lookups).toEqual(['rebind.example']);
    // The loopback listener was never reached: the connection went (or tried to go) to 1.1.1.1.
    expect(received).toEqual([]);
    expect(outcome).toMatchObject({ type: 'not-sent', permanent: false });
  });

  it('refuses a name with any private or special-purpose address before connecting', async () => {
    for (const addresses of [
      [LOOPBACK],
      [PUBLIC, { address: '10.0.0.7', family: 4 } as const],
      [{ address: '::ffff:7f00:1', family: 6 } as const],
      [{ address: '64:ff9b::a9fe:a9fe', family: 6 } as const],
    ]) {
      const outcome = await channel(rebindingResolver(addresses)).send(message(`http://inside.example:${port}/hook`));
      expect(outcome).toMatchObject({ type: 'not-sent', permanent: true, error: expect.stringMatching(/private or special-purpose/) });
    }
    expect(received).toEqual([]);
  });

  it('keeps the partner host in the Host header while connecting to the pinned address', async () => {
    const resolver = rebindingResolver([LOOPBACK]);
    const outcome = await channel(resolver, true).send(message(`http://partner.example:${port}/hook?tenant=7`));
    expect(outcome).toEqual({ type: 'accepted', providerMessageId: 'delivery-1' });
    expect(resolver.lookups).toEqual(['partner.example']);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ url: '/hook?tenant=7', headers: { host: `partner.example:${port}`, 'webhook-id': 'delivery-1' } });
  });

  it('tries every checked address of the name, and only those (the partner listens on IPv4 only)', async () => {
    const resolver = rebindingResolver([{ address: '::1', family: 6 }, LOOPBACK]);
    const outcome = await channel(resolver, true).send(message(`http://partner.example:${port}/hook`));
    expect(outcome).toEqual({ type: 'accepted', providerMessageId: 'delivery-1' });
    expect(resolver.lookups).toEqual(['partner.example']);
  });

  it('never follows a redirect', async () => {
    answer = (response) => response.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const outcome = await channel(rebindingResolver([LOOPBACK]), true).send(message(`http://partner.example:${port}/hook`));
    expect(outcome).toMatchObject({ type: 'not-sent', permanent: true, error: expect.stringMatching(/redirects are not followed/) });
    expect(received.map((request) => request.url)).toEqual(['/hook']);
  });
});
