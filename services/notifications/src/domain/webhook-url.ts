import { isIP } from 'node:net';
import { DomainRuleViolation } from '@mutuo/domain';

export interface WebhookUrlPolicy {
  /** Plain http is accepted only in development. */
  readonly allowHttp: boolean;
  /** Loopback and private networks only for local testing; never in production. */
  readonly allowPrivateAddresses: boolean;
}

const PRIVATE_HOST_SUFFIXES = ['localhost', '.local', '.internal', '.localdomain', '.home.arpa'];

function ipv4Private(address: string): boolean {
  const [a, b] = address.split('.').map(Number) as [number, number, number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/** Loopback, private, link-local, carrier-grade NAT, multicast and unspecified addresses (IPv4 or IPv6). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(bare);
  if (family === 4) return ipv4Private(bare);
  if (family !== 6) return false;
  // IPv4-mapped addresses, dotted or (as URL parsing writes them) in hex: ::ffff:7f00:1 is 127.0.0.1.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped) return ipv4Private(mapped[1]!);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (mappedHex) {
    const [high, low] = [parseInt(mappedHex[1]!, 16), parseInt(mappedHex[2]!, 16)];
    return ipv4Private(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return bare === '::' || bare === '::1' || /^f[cd]/.test(bare) || /^fe[89ab]/.test(bare) || bare.startsWith('ff');
}

/** Checks a partner's webhook URL; a refusal names `field`. Host names are resolved again at send time. */
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
  const privateHost = isPrivateAddress(host) || PRIVATE_HOST_SUFFIXES.some((suffix) => host === suffix.replace(/^\./, '') || host.endsWith(suffix));
  if (privateHost && !policy.allowPrivateAddresses) {
    throw new DomainRuleViolation('INVALID_WEBHOOK_URL', 'Webhook URLs must not point at a private or local address', field);
  }
  return url;
}
