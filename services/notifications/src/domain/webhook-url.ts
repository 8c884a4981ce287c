import { DomainRuleViolation } from '@mutuo/domain';
import { isSpecialPurposeAddress } from './special-purpose-addresses';

export interface WebhookUrlPolicy {
  /** Plain http is accepted only in development. */
  readonly allowHttp: boolean;
  /** Loopback and private networks only for local testing; never in production. */
  readonly allowPrivateAddresses: boolean;
}

const PRIVATE_HOST_SUFFIXES = ['localhost', '.local', '.internal', '.localdomain', '.home.arpa'];

/** Checks a partner's webhook URL; a refusal names `field`. Host names are resolved and checked at send time, and the post goes to the checked address. */
export function parseWebhookUrl(text: string, policy: WebhookUrlPolicy, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'Give an absolute URL such as https://partner.example.org/mutuo', field);
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'Webhook URLs must use https', field);
  }
  if (url.username || url.password) throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'Put no credentials in the URL; requests are signed', field);
  if (text.length > 2_000) throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'The URL is too long', field);
  const host = url.hostname.toLowerCase();
  const privateHost = isSpecialPurposeAddress(host) || PRIVATE_HOST_SUFFIXES.some((suffix) => host === suffix.replace(/^\./, '') || host.endsWith(suffix));
  if (privateHost && !policy.allowPrivateAddresses) {
    throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'Webhook URLs must not point at a private or local address', field);
  }
  return url;
}
