import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** `v1.<iv>.<ciphertext>.<tag>`, each part base64url: 12-byte IV, 16-byte GCM tag. */
export const SEALED_PAYLOAD_FORMAT = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const sealedPayloadField = (maxLength: number) =>
  z.string().max(maxLength).regex(SEALED_PAYLOAD_FORMAT, { message: 'Expected v1.<iv>.<ciphertext>.<tag> in base64url' });

/**
 * AES-256-GCM over a JSON value. `binding` (for example `<contract type>:<member id>`) is authenticated but not
 * encrypted, so a sealed value copied into another event does not open.
 */
export function sealPayload(key: Buffer, value: unknown, binding: string): string {
  if (key.length !== KEY_BYTES) throw new Error('The sealing key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Opens and validates a sealed value. Throws when the key or binding is wrong, or the text was tampered with. */
export function openPayload<T>(key: Buffer, sealed: string, binding: string, schema: z.ZodType<T>): T {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('Unknown sealed payload format');
  const [, iv, ciphertext, tag] = parts as [string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(binding, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  return schema.parse(JSON.parse(plain));
}
