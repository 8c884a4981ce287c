import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { languageTagField, timestampField, uuidField } from './field-schemas';

/** `v1.<iv>.<ciphertext>.<tag>`, each part base64url: 12-byte IV, 16-byte GCM tag. */
const SEALED_FORMAT = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

/**
 * A one-time code to deliver to a person: to sign in (by e-mail), or to prove they receive messages at a contact
 * channel (an e-mail address, or a phone number by SMS).
 * The address and the code travel sealed (AES-256-GCM with the key membership shares with notifications,
 * MEMBERSHIP_CODE_DELIVERY_KEY): the event stays in the event store and on the NATS stream long after the code
 * expired, and nobody reading either may learn an address or a live code. Open it with `openSignInCodeDelivery`.
 */
export const SignInCodeRequestedV1 = defineContract({
  service: 'membership',
  name: 'sign-in-code-requested',
  version: 1,
  schema: z.object({
    deliveryId: uuidField(),
    purpose: z.enum(['sign-in', 'contact-verification']),
    /**
     * How to deliver it: `email`, or `sms` (contact verification of a phone channel only). Readers older than `sms`
     * refuse such an event, so notifications is deployed before membership sends one.
     */
    channel: z.enum(['email', 'sms']),
    /** The language to write the message in (the member's preferred one). */
    locale: languageTagField(),
    /** After this the code is refused: a message delivered later is pointless. */
    expiresAt: timestampField(),
    sealed: z.string().max(4096).regex(SEALED_FORMAT, { message: 'Expected v1.<iv>.<ciphertext>.<tag> in base64url' }),
  }),
});
export type SignInCodeRequestedV1Data = ContractData<typeof SignInCodeRequestedV1>;

/** What the sealed part carries. */
export interface SignInCodeDelivery {
  /** The e-mail address (or, for `sms`, the E.164 phone number) to send the code to. */
  readonly to: string;
  /** The digits the person types in. */
  readonly code: string;
}

export const CODE_DELIVERY_KEY_BYTES = 32;
/**
 * The key membership and notifications share when MEMBERSHIP_CODE_DELIVERY_KEY is not set, on a development machine
 * only: published here, so it protects nothing, and production refuses it.
 */
export const DEV_CODE_DELIVERY_KEY = 'bXV0dW8tZGV2LW9ubHktY29kZS1kZWxpdmVyeS1rZXk='; // "mutuo-dev-only-code-delivery-key"
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The shared key from its configured form: 32 random bytes in base64 or base64url (`openssl rand -base64 32`). */
export function codeDeliveryKeyFrom(encoded: string): Buffer {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error('must be 32 bytes in base64 (openssl rand -base64 32)');
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== CODE_DELIVERY_KEY_BYTES) throw new Error('must be 32 bytes in base64 (openssl rand -base64 32)');
  return key;
}

type SealBinding = Pick<SignInCodeRequestedV1Data, 'deliveryId' | 'purpose'> & Partial<Pick<SignInCodeRequestedV1Data, 'channel'>>;

/**
 * Binds the ciphertext to its event: a sealed code moved into another delivery, purpose or channel does not open.
 * E-mail keeps the binding it had before SMS existed, so codes sealed then still open.
 */
function associatedData({ deliveryId, purpose, channel = 'email' }: SealBinding): Buffer {
  return Buffer.from(`${SignInCodeRequestedV1.type}:${deliveryId}:${purpose}${channel === 'email' ? '' : `:${channel}`}`, 'utf8');
}

export function sealSignInCodeDelivery(key: Buffer, delivery: SignInCodeDelivery, event: SealBinding): string {
  if (key.length !== CODE_DELIVERY_KEY_BYTES) throw new Error('The code delivery key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(event));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify({ to: delivery.to, code: delivery.code }), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** For the delivering service. Throws when the key is wrong or the sealed text was tampered with. */
export function openSignInCodeDelivery(key: Buffer, data: SealBinding & Pick<SignInCodeRequestedV1Data, 'sealed'>): SignInCodeDelivery {
  const parts = data.sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('Unknown sealed code format');
  const [, iv, ciphertext, tag] = parts as [string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(data));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  const parsed = z.object({ to: z.string().min(3).max(254), code: z.string().regex(/^\d{6}$/) }).parse(JSON.parse(plain));
  return parsed;
}

/** `MEMBERSHIP_CODE_DELIVERY_KEY` as membership and notifications read it from their environment: optional, checked. */
export const codeDeliveryKeyVariable = () =>
  z
    .string()
    .transform((value, ctx) => {
      try {
        return codeDeliveryKeyFrom(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
        return z.NEVER;
      }
    })
    .optional();

/** Why a configured delivery key may not be used in production, or null when it may. */
export function codeDeliveryKeyProductionProblem(key: Buffer | undefined): string | null {
  if (key === undefined) return 'is required in production';
  if (key.equals(codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY))) return 'must not be the development key in production';
  return null;
}
