import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { DELIVERY_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from '../domain/webhook-signature';
import { isPrivateAddress } from '../domain/webhook-url';
import { notSent, type ChannelResult } from './send-outcome';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';

export interface WebhookMessage {
  readonly deliveryId: string;
  readonly url: string;
  readonly secret: string;
  /** The exact JSON text sent and signed. */
  readonly body: string;
  readonly now: Date;
}

/**
 * Posts a signed JSON body to a partner. Receivers deduplicate by the Mutuo-Delivery-Id header, so a retry after an
 * unanswered request is safe. The host is resolved again before each post: a name that now points at a private
 * address (DNS rebinding) is refused.
 */
@Injectable()
export class WebhookChannel {
  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  async send(message: WebhookMessage): Promise<ChannelResult> {
    const url = new URL(message.url);
    if (!this.config.webhookAllowPrivateAddresses) {
      const host = url.hostname.replace(/^\[|\]$/g, '');
      const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((found) => found.map((entry) => entry.address), () => []);
      if (addresses.length === 0) return notSent(false, `Cannot resolve ${host}`);
      if (addresses.some(isPrivateAddress)) return notSent(true, `${host} resolves to a private address`);
    }
    const timestamp = Math.floor(message.now.getTime() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mutuo-Webhooks/1',
          [SIGNATURE_HEADER]: signWebhookBody(message.secret, message.body, timestamp),
          [DELIVERY_ID_HEADER]: message.deliveryId,
        },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.sendTimeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { type: 'accepted', providerMessageId: message.deliveryId };
      const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
      return notSent(!retryable, `HTTP ${response.status}`);
    } catch (error) {
      return notSent(false, (error as Error).name === 'TimeoutError' ? 'timeout' : `unreachable: ${(error as Error).message}`);
    }
  }
}
