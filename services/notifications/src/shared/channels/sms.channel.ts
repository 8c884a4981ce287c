import { Inject, Injectable } from '@nestjs/common';
import { AmbiguousSendError, notSent, type ChannelResult } from './send-outcome';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';

export interface SmsMessage {
  readonly deliveryId: string;
  /** With the delivery id, where the receipt belongs (the callback URL carries both, signed by the provider). */
  readonly podId: string | null;
  readonly to: string;
  readonly body: string;
}

/** Path of the public route the provider posts delivery receipts to. */
export const SMS_STATUS_PATH = '/public/sms/status';

/**
 * SMS through a Twilio-style HTTP API: `POST {api}/2010-04-01/Accounts/{sid}/Messages.json`, form-encoded, basic
 * auth. The delivery id travels as the idempotency token, so a retry after an interrupted send is recognised by
 * the provider and never sends twice.
 */
@Injectable()
export class SmsChannel {
  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  get available(): boolean {
    return this.config.sms !== null;
  }

  async send(message: SmsMessage): Promise<ChannelResult> {
    const sms = this.config.sms;
    if (!sms) return notSent(true, 'No SMS provider is configured');
    const form = new URLSearchParams({
      To: message.to,
      From: sms.from,
      Body: message.body.slice(0, 1_600),
      StatusCallback: `${this.config.publicUrl}${SMS_STATUS_PATH}?${new URLSearchParams({ delivery: message.deliveryId, pod: message.podId ?? '' }).toString()}`,
    });
    let response: Response;
    try {
      response = await fetch(`${sms.apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${sms.accountSid}:${sms.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'i-twilio-idempotency-token': message.deliveryId,
        },
        body: form,
        signal: AbortSignal.timeout(this.config.sendTimeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      if (cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND') return notSent(false, `SMS provider unreachable: ${cause.code}`);
      throw new AmbiguousSendError(`SMS provider did not answer: ${(error as Error).message}`);
    }
    const payload = (await response.json().catch(() => ({}))) as { sid?: string; message?: string };
    if (response.ok && payload.sid) return { type: 'accepted', providerMessageId: payload.sid };
    // 4xx: the provider refused this message (bad number, blocked): trying again will not help.
    if (response.status >= 400 && response.status < 500 && response.status !== 429)
      return notSent(true, `SMS refused (${response.status}): ${payload.message ?? ''}`);
    return notSent(false, `SMS provider error (${response.status}): ${payload.message ?? ''}`);
  }
}
