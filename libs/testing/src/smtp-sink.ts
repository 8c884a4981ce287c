/** A receiving SMTP server for tests of what a service e-mails (valid MIME, headers, how many). */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
  readonly parsed: ParsedMail;
}

export interface SmtpSink {
  readonly url: string;
  /** Parsed messages (empty when started with `parse: false`). */
  readonly received: ReceivedMail[];
  /** When each message was accepted (ms since the epoch), in order: for benchmarks. */
  readonly acceptedAt: number[];
  /** RCPT TO these addresses is answered "550 no such mailbox". */
  readonly refuse: Set<string>;
  close(): Promise<void>;
}

/**
 * A real SMTP server that accepts everything (except refused recipients) and keeps each message, parsed. With
 * `parse: false` it only counts and timestamps messages, so a benchmark measures the sender, not mailparser.
 */
export async function startSmtpSink(options: { parse?: boolean } = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const acceptedAt: number[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const error = new Error('No such mailbox') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (options.parse === false) {
          acceptedAt.push(Date.now());
          callback();
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, parsed });
            acceptedAt.push(Date.now());
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, acceptedAt, refuse, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
