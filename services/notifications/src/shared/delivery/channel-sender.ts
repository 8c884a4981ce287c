import { Inject, Injectable } from '@nestjs/common';
import { openSignInCodeDelivery } from '@mutuo/contracts';
import { EmailChannel } from '../channels/email.channel';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../channels/notifications.config';
import { notSent, type ChannelResult, type NotSent } from '../channels/send-outcome';
import { SmsChannel } from '../channels/sms.channel';
import { WebhookChannel } from '../channels/webhook.channel';
import type { DeliveryContent, DeliveryDetails } from '../../domain/delivery.decider';
import { renderMessage } from '../../domain/templates/render-message';
import type { RecipientProfile } from '../recipient-directory';

type SealedCode = Extract<DeliveryContent, { type: 'sealed-code' }>;
type RenderedMessage = ReturnType<typeof renderMessage>;

export interface EndpointAddress {
  readonly url: string;
  /** The current signing secret first, then a rotated-out one still valid. */
  readonly secrets: readonly string[];
}

/** Hands one delivery's content to its channel: e-mail (a sealed code is opened only here), SMS or a partner's webhook. */
@Injectable()
export class ChannelSender {
  constructor(
    private readonly email: EmailChannel,
    private readonly sms: SmsChannel,
    private readonly webhook: WebhookChannel,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  async send(details: DeliveryDetails, recipient: RecipientProfile | null, endpoint: EndpointAddress | undefined, now: Date): Promise<ChannelResult> {
    const { content } = details;
    switch (details.channel) {
      case 'email': {
        if (content.type === 'sealed-code') {
          const code = this.openCode(details, content, now);
          if (code.type === 'not-sent') return code;
          return this.email.send({
            deliveryId: details.deliveryId,
            to: code.to,
            subject: code.message.subject,
            text: code.message.body,
            locale: code.message.locale,
          });
        }
        if (content.type !== 'rendered') return notSent(true, 'Nothing to write in an e-mail');
        if (!recipient?.email) return notSent(true, 'The member has no e-mail address');
        return this.email.send({ deliveryId: details.deliveryId, to: recipient.email, subject: content.subject, text: content.body, locale: content.locale });
      }
      case 'sms':
        if (content.type === 'sealed-code') {
          const code = this.openCode(details, content, now);
          if (code.type === 'not-sent') return code;
          return this.sms.send({ deliveryId: details.deliveryId, podId: details.podId, to: code.to, body: code.message.body });
        }
        if (content.type !== 'rendered') return notSent(true, 'Nothing to write in an SMS');
        if (!recipient?.phone) return notSent(true, 'The member has no phone number');
        return this.sms.send({ deliveryId: details.deliveryId, podId: details.podId, to: recipient.phone, body: content.body });
      case 'webhook': {
        if (content.type !== 'webhook-payload' || !endpoint) return notSent(true, 'Nothing to post');
        const body = JSON.stringify({ id: details.deliveryId, type: content.eventType, podId: details.podId, data: content.payload });
        return this.webhook.send({ deliveryId: details.deliveryId, url: endpoint.url, secrets: endpoint.secrets, body, now });
      }
    }
  }

  /** Opens a sealed code (bound to its channel) and writes its message, unless it expired or does not open. */
  private openCode(details: DeliveryDetails, content: SealedCode, now: Date): { type: 'opened'; to: string; message: RenderedMessage } | NotSent {
    if (details.expiresAt && details.expiresAt <= now.toISOString()) return notSent(true, 'The code expired before it could be sent');
    if (details.channel === 'webhook') return notSent(true, 'A code is never posted to a webhook');
    let opened: { to: string; code: string };
    try {
      opened = openSignInCodeDelivery(this.config.codeDeliveryKey, {
        deliveryId: content.codeDeliveryId,
        purpose: content.purpose,
        channel: details.channel,
        sealed: content.sealed,
      });
    } catch {
      return notSent(true, 'The sealed code does not open with this key');
    }
    const message = renderMessage({
      kind: content.purpose === 'sign-in' ? 'sign-in-code' : 'contact-verification-code',
      locales: [content.locale],
      variant: 'standard',
      params: { code: opened.code, expiresAt: new Date(details.expiresAt!) },
      timeZone: 'UTC',
    });
    return { type: 'opened', to: opened.to, message };
  }
}
