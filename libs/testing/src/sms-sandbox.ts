import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How Twilio signs the requests it makes: base64 HMAC-SHA1 over the URL and the sorted POST parameters. */
function providerSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const text = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + name + params[name], url);
  return createHmac('sha1', authToken).update(text, 'utf8').digest('base64');
}

export interface SandboxMessage {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
  readonly statusCallback: string;
}

export interface SmsSandbox {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly messages: SandboxMessage[];
  /** Numbers answered "400 invalid number"; numbers whose receipt says "undelivered". */
  readonly invalidNumbers: Set<string>;
  readonly undeliverable: Set<string>;
  /** How many receipts the service accepted. */
  receiptsAccepted: number;
  /** When each message was accepted (ms since the epoch), in order. */
  readonly acceptedAt: number[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A stand-in SMS provider with Twilio's API shape: basic auth, form bodies, idempotency tokens (a repeated token
 * returns the first message, nothing is sent twice), and signed delivery receipts posted to the StatusCallback,
 * retried while the service answers 503.
 */
export async function startSmsSandbox(options: { receipts?: boolean } = {}): Promise<SmsSandbox> {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const messages: SandboxMessage[] = [];
  const byToken = new Map<string, SandboxMessage>();
  const sandbox: SmsSandbox = {
    url: '',
    accountSid,
    authToken,
    messages,
    invalidNumbers: new Set(),
    undeliverable: new Set(),
    receiptsAccepted: 0,
    acceptedAt: [],
    close: async () => undefined,
  };

  const sendReceipt = async (message: SandboxMessage, attempt = 1): Promise<void> => {
    const params = { MessageSid: message.sid, MessageStatus: sandbox.undeliverable.has(message.to) ? 'undelivered' : 'delivered', To: message.to };
    const response = await fetch(message.statusCallback, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': providerSignature(authToken, message.statusCallback, params) },
      body: new URLSearchParams(params),
    }).catch(() => null);
    if (response?.status === 204) sandbox.receiptsAccepted++;
    else if (attempt < 50) setTimeout(() => void sendReceipt(message, attempt + 1), 100);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    const reply = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'POST' || request.url !== path) return reply(404, { message: 'Not found' });
    if (request.headers.authorization !== expectedAuth) return reply(401, { message: 'Authenticate' });
    const form = new URLSearchParams(await readBody(request));
    const to = form.get('To') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to) || sandbox.invalidNumbers.has(to))
      return reply(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.` });
    const token = request.headers['i-twilio-idempotency-token'];
    const repeated = typeof token === 'string' ? byToken.get(token) : undefined;
    if (repeated) return reply(201, { sid: repeated.sid, status: 'queued' });
    const message: SandboxMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback') ?? '',
    };
    messages.push(message);
    sandbox.acceptedAt.push(Date.now());
    if (typeof token === 'string') byToken.set(token, message);
    reply(201, { sid: message.sid, status: 'queued' });
    if (message.statusCallback && options.receipts !== false) setTimeout(() => void sendReceipt(message), 20);
  };
  // A request whose body fails to arrive (the client went away) is dropped, not left as an unhandled rejection.
  const server = createServer((request, response) => void answer(request, response).catch(() => response.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(sandbox, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
