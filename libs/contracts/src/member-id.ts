import { createHash } from 'node:crypto';
import { isUuid } from '@mutuo/domain';

/** Namespace of member ids. Never change it: every stored member id was derived from it. */
export const MEMBER_ID_NAMESPACE = '3f6b2d1e-8c4a-4f0e-9b7d-5a1c2e9f0d34';

/** A name-based UUID (RFC 9562 version 5, SHA-1): the same namespace and name always give the same id. */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuid(namespace)) throw new Error(`uuidV5 namespace must be a UUID (got "${namespace}")`);
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The member id of a person in a pod. Every service derives it from a token's pod and subject,
 * so no service has to ask membership for it.
 */
export function memberIdFor(podId: string, personId: string): string {
  if (!isUuid(podId)) throw new Error(`memberIdFor: podId must be a UUID (got "${podId}")`);
  if (personId.length === 0) throw new Error('memberIdFor: personId must not be empty');
  return uuidV5(`${podId.toLowerCase()}:${personId}`, MEMBER_ID_NAMESPACE);
}
