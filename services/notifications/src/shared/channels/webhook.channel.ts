import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { standardWebhookHeaders } from '../../domain/webhook-signature';
import { isSpecialPurposeAddress } from '../../domain/special-purpose-addresses';
import { notSent, type ChannelResult } from './send-outcome';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './notifications.config';

export interface WebhookMessage {
  readonly deliveryId: string;
  readonly url: string;
  /** Every secret that signs this post (Standard Webhooks: one v1 signature each). */
  readonly secrets: readonly string[];
  /** The exact JSON text sent and signed. */
  readonly body: string;
  readonly now: Date;
}

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Every address a host name resolves to. Injected, so a test can play a rebinding DNS server. */
export type HostResolver = (host: string) => Promise<readonly ResolvedAddress[]>;
export const WEBHOOK_HOST_RESOLVER = Symbol('WEBHOOK_HOST_RESOLVER');

export const systemHostResolver: HostResolver = async (host) =>
  (await dnsLookup(host, { all: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

/**
 * A socket lookup that answers with the addresses already checked, whatever the name: the name is never resolved twice.
 * All of them when asked for all (Node tries each, IPv6 and IPv4), else the first of the family asked for.
 */
function pinnedLookup(checked: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : null;
    const usable = family ? checked.filter((entry) => entry.family === family) : checked;
    if (usable.length === 0) {
      callback(Object.assign(new Error(`No checked IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (options.all)
      callback(
        null,
        usable.map((entry) => ({ address: entry.address, family: entry.family })),
      );
    else callback(null, usable[0]!.address, usable[0]!.family);
  };
}

/**
 * Posts a signed JSON body to a partner. Receivers deduplicate by the webhook-id header, so a retry after an
 * unanswered request is safe. The host is resolved once per post, every address it has is checked against the
 * special-purpose ranges, and the connection goes to the checked address (Host header and TLS name stay the partner's):
 * a name that answers with a public address for the check and a private one for the connection (DNS rebinding) cannot
 * steer the post inside. Redirects are never followed.
 */
@Injectable()
export class WebhookChannel {
  constructor(
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    @Inject(WEBHOOK_HOST_RESOLVER) private readonly resolveHost: HostResolver,
  ) {}

  async send(message: WebhookMessage): Promise<ChannelResult> {
    const url = new URL(message.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host);
    const addresses: readonly ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await this.resolveHost(host).catch(() => []);
    if (addresses.length === 0) return notSent(false, `Cannot resolve ${host}`);
    if (!this.config.webhookAllowPrivateAddresses && addresses.some((entry) => isSpecialPurposeAddress(entry.address))) {
      return notSent(true, `${host} resolves to a private or special-purpose address`);
    }
    const timestamp = Math.floor(message.now.getTime() / 1000);
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(message.body),
      'user-agent': 'Mutuo-Webhooks/1',
      // webhook-id is the delivery id, the same on every retry: the receiver's key for dropping repeats.
      ...standardWebhookHeaders(message.secrets, message.deliveryId, message.body, timestamp),
    };
    const signal = AbortSignal.timeout(this.config.sendTimeoutMs);
    try {
      const status = await this.post(url, literal ? null : addresses, headers, message.body, signal);
      if (status >= 200 && status < 300) return { type: 'accepted', providerMessageId: message.deliveryId };
      if (status >= 300 && status < 400) return notSent(true, `HTTP ${status}: redirects are not followed`);
      const retryable = status >= 500 || status === 408 || status === 429;
      return notSent(!retryable, `HTTP ${status}`);
    } catch (error) {
      return notSent(false, signal.aborted ? 'timeout' : `unreachable: ${(error as Error).message}`);
    }
  }

  /** One POST over a fresh connection to the checked addresses (null: the URL names an address); resolves with the status code. */
  private post(url: URL, checked: readonly ResolvedAddress[] | null, headers: OutgoingHttpHeaders, body: string, signal: AbortSignal): Promise<number> {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: 'POST',
          headers,
          signal,
          // A fresh connection per post: a pooled socket could have been opened to an address checked for another post.
          agent: false,
          ...(checked ? { lookup: pinnedLookup(checked), servername: url.hostname } : {}),
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}
