import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { uuidV5 } from '@mutuo/contracts';
import { normalizeContactValue } from '../domain/profile-values';

type Purpose = 'email-address' | 'phone-number' | 'one-time-code' | 'client-ip';

/**
 * Keyed hashes (HMAC-SHA256) of low-entropy values that must be looked up without being stored: e-mail
 * addresses, phone numbers, six-digit codes, IP addresses. A stolen table cannot be reversed by trying every code or a list
 * of addresses without MEMBERSHIP_HASH_SECRET. Each purpose gets its own key derived from the secret (HKDF),
 * so a hash of one kind is useless as another.
 */
export class KeyedHashes {
  private readonly keys: Record<Purpose, Buffer>;

  constructor(secret: string) {
    const derive = (purpose: Purpose) => Buffer.from(hkdfSync('sha256', secret, 'mutuo-membership', purpose, 32));
    this.keys = {
      'email-address': derive('email-address'),
      'phone-number': derive('phone-number'),
      'one-time-code': derive('one-time-code'),
      'client-ip': derive('client-ip'),
    };
  }

  /** Null when the text is not an e-mail address. Addresses that differ only in case hash the same. */
  emailAddress(address: string): Buffer | null {
    const normalized = normalizeContactValue('email', address);
    return normalized === null ? null : this.hmac('email-address', normalized.toLowerCase());
  }

  /** Null when the text is not a phone number; numbers written with spaces or dashes hash as their E.164 form. */
  phoneNumber(number: string): Buffer | null {
    const normalized = normalizeContactValue('phone', number);
    return normalized === null ? null : this.hmac('phone-number', normalized);
  }

  /** Bound to the code's id: the same digits hash differently in every code. */
  oneTimeCode(codeId: string, digits: string): Buffer {
    return this.hmac('one-time-code', `${codeId}:${digits}`);
  }

  clientIp(ip: string): string {
    return this.hmac('client-ip', ip.toLowerCase()).toString('hex').slice(0, 32);
  }

  private hmac(purpose: Purpose, value: string): Buffer {
    return createHmac('sha256', this.keys[purpose]).update(value, 'utf8').digest();
  }
}

/** For 256-bit random secrets (refresh tokens, client secrets): guessing is hopeless, so no key is needed. */
export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The hashes the email-index projection writes. Projections are built before the Nest module that reads the
 * configuration, so the module hands the hashes over here at start; until then the projection waits (it retries).
 */
export class EmailIndexHashes {
  private hashes: KeyedHashes | undefined;

  use(hashes: KeyedHashes): void {
    this.hashes = hashes;
  }

  current(): KeyedHashes {
    if (!this.hashes) throw new Error('The sign-in email index has no hash key yet: the sign-in module configures it at start');
    return this.hashes;
  }
}

export const emailIndexHashes = new EmailIndexHashes();

const PERSON_ID_NAMESPACE = 'c6f2a9e4-5d1b-4b8e-9f37-2a61d0e8b7c5';

/**
 * The person id of someone who signs in before any member verified their address (a newcomer): derived from the
 * keyed hash, so the same address is always the same person while MEMBERSHIP_HASH_SECRET stays, and the id
 * reveals nothing of the address. Once they join and verify it, the e-mail index names this same id.
 */
export function personIdForAddress(addressHash: Buffer): string {
  return uuidV5(`email:${addressHash.toString('hex')}`, PERSON_ID_NAMESPACE);
}
