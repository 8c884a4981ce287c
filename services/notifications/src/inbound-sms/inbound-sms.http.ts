import type { INestApplication } from '@nestjs/common';
import { SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../shared/channels/notifications.config';
import { isValidSmsRequestSignature } from '../shared/channels/sms-request-signature';
import { InboundSmsHandler, type InboundText } from './inbound-sms.handler';

/** Where the SMS provider posts the texts people send to our number. */
export const SMS_INBOUND_PATH = '/public/sms/inbound';

const E164 = /^\+[1-9]\d{6,14}$/;
const MESSAGE_ID = /^[A-Za-z0-9]{10,64}$/;
const MAX_BODY = 1_600;

/** The provider's form, checked field by field: the first bad one is named. */
function inboundText(params: Readonly<Record<string, string>>): InboundText | { field: string } {
  const messageId = params.MessageSid ?? '';
  if (!MESSAGE_ID.test(messageId)) return { field: 'MessageSid' };
  const from = params.From ?? '';
  if (!E164.test(from)) return { field: 'From' };
  const body = params.Body ?? '';
  if (body.length > MAX_BODY) return { field: 'Body' };
  return { messageId, from, body };
}

/** TwiML: the provider texts the message back to the sender; an empty response texts nothing. */
function twiml(reply: string | null): string {
  const escaped = reply?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${escaped ? `<Message>${escaped}</Message>` : ''}</Response>`;
}

/**
 * `POST /public/sms/inbound`: texts sent to our number, signed by the provider with NOTIFICATIONS_SMS_INBOUND_SECRET
 * (HMAC-SHA1 over this URL and the sorted form parameters, `X-Twilio-Signature`). A bad signature is 403, a bad field
 * 400 naming it; a failure 503, so the provider tries again (the message id makes that safe).
 */
export function mountInboundSms(app: INestApplication): void {
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const config = app.get<NotificationsConfig>(NOTIFICATIONS_CONFIG);
  const clock = app.get(Clock);

  expressApp.post(SMS_INBOUND_PATH, express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const params = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]));
    if (!isValidSmsRequestSignature(config.smsInboundSecret, `${config.publicUrl}${req.originalUrl}`, params, req.get('x-twilio-signature') ?? '')) {
      res.status(403).json({ error: 'invalid_signature', field: 'X-Twilio-Signature' });
      return;
    }
    const text = inboundText(params);
    if ('field' in text) {
      res.status(400).json({ error: 'invalid_request', field: text.field });
      return;
    }
    try {
      const answer = await app.get(InboundSmsHandler).receive(text, clock.now());
      res.status(200).type('text/xml').send(twiml(answer.reply));
    } catch (error) {
      logger.error({ err: error, messageId: text.messageId }, 'Inbound SMS could not be handled; the provider retries');
      res.status(503).json({ error: 'try_again' });
    }
  });
}
