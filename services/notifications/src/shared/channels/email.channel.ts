import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { AmbiguousSendError, notSent, type ChannelResult } from './send-outcome';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';

export interface EmailMessage {
  readonly deliveryId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly locale: string;
}

/** SMTP commands before the message is handed over: a failure there provably sent nothing. */
const BEFORE_HANDOVER = new Set(['CONN', 'EHLO', 'HELO', 'LHLO', 'STARTTLS', 'AUTH', 'AUTH PLAIN', 'AUTH LOGIN', 'MAIL FROM', 'RCPT TO']);
const NOT_CONNECTED = new Set(['ECONNECTION', 'EDNS', 'EAUTH', 'EENVELOPE', 'ETLS']);

function escapeHtml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character]!);
}

/**
 * E-mail over SMTP. Every message has a plain-text part (and the same text as simple HTML), a Message-ID derived
 * from the delivery, and headers marking it automatic so auto-responders stay quiet.
 */
@Injectable()
export class EmailChannel implements OnModuleDestroy {
  private readonly transport: Transporter | null;

  constructor(
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.transport = config.smtpUrl
      ? createTransport({
          url: config.smtpUrl,
          pool: true,
          maxConnections: 4,
          connectionTimeout: config.sendTimeoutMs,
          greetingTimeout: config.sendTimeoutMs,
          socketTimeout: config.sendTimeoutMs,
        } as Parameters<typeof createTransport>[0])
      : null;
    // An 'error' event nobody listens to ends the process; a broken SMTP connection is a failed send, not a crash.
    this.transport?.on('error', (error) => this.logger.warn({ err: error }, 'SMTP transport error'));
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  async send(message: EmailMessage): Promise<ChannelResult> {
    const messageId = `<${message.deliveryId}@notifications.mutuo>`;
    if (!this.transport) {
      // Development without SMTP: say what would have gone out, without the body (it may hold a code).
      this.logger.info(
        { to: message.to, subject: message.subject, deliveryId: message.deliveryId },
        'E-mail not sent: no NOTIFICATIONS_SMTP_URL (development)',
      );
      return { type: 'accepted', providerMessageId: messageId };
    }
    try {
      const info = await this.transport.sendMail({
        from: this.config.mailFrom,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: `<!doctype html><html lang="${escapeHtml(message.locale)}"><body><p>${escapeHtml(message.text).replace(/\n/g, '<br>')}</p></body></html>`,
        messageId,
        headers: {
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
          'X-Mutuo-Delivery-Id': message.deliveryId,
          'Content-Language': message.locale,
        },
      });
      if ((info.rejected ?? []).length > 0) return notSent(true, `Recipient refused: ${String(info.response)}`);
      return { type: 'accepted', providerMessageId: messageId };
    } catch (error) {
      return classifySmtpError(error as SmtpError);
    }
  }
}

interface SmtpError extends Error {
  readonly code?: string;
  readonly command?: string;
  readonly responseCode?: number;
  readonly response?: string;
}

/** An SMTP reply with a code is a refusal (nothing delivered); silence after the hand-over is ambiguous. */
export function classifySmtpError(error: SmtpError): ChannelResult {
  const detail = error.response ?? error.message;
  if (typeof error.responseCode === 'number' && error.responseCode >= 400) return notSent(error.responseCode >= 500, detail);
  if ((error.command && BEFORE_HANDOVER.has(error.command)) || (error.code && NOT_CONNECTED.has(error.code))) return notSent(false, detail);
  throw new AmbiguousSendError(`SMTP ${error.command ?? 'send'} failed after the hand-over: ${detail}`);
}
