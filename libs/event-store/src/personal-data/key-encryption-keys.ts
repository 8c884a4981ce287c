import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Key-encryption keys (KEKs) wrap the members' data keys before they are stored, so a copy of a database holds
 * ciphertext and wrapped keys but nothing that opens them. They come from configuration (`PERSONAL_DATA_KEKS`): a
 * comma-separated list of `id:base64key`, the first one primary (it wraps every key written or re-wrapped), the
 * others only kept to unwrap keys not yet re-wrapped after a rotation.
 */
export interface KeyEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

export const KEK_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IV, the 32-byte data key encrypted, tag: what a wrapped key takes in the key table. */
export const WRAPPED_DATA_KEY_BYTES = IV_BYTES + 32 + TAG_BYTES;
const KEK_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The development KEK list: published, so production refuses it (libs/platform config). Its key is fixed so that
 * a development database keeps opening across restarts.
 */
export const DEV_PERSONAL_DATA_KEKS = 'dev:bXV0dW8tZGV2ZWxvcG1lbnQtb25seS1rZWstMDAwMDA=';

export class KeyEncryptionKeys {
  readonly primary: KeyEncryptionKey;
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(keys: readonly KeyEncryptionKey[]) {
    const [primary] = keys;
    if (!primary) throw new Error('At least one key-encryption key is needed');
    this.primary = primary;
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Parses `id:base64key[,id:base64key…]`; throws with a message naming what is wrong (never a key). */
  static parse(text: string): KeyEncryptionKeys {
    const problems: string[] = [];
    const keys: KeyEncryptionKey[] = [];
    const entries = text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    if (entries.length === 0) problems.push('must list at least one id:base64key');
    entries.forEach((entry, index) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      const key = Buffer.from(colon > 0 ? entry.slice(colon + 1) : '', 'base64');
      if (!KEK_ID.test(id)) problems.push(`entry ${index + 1} must start with an id of 1-32 letters, digits, "-" or "_" and a colon`);
      else if (key.length !== KEK_BYTES) problems.push(`key "${id}" must be ${KEK_BYTES} bytes in base64 (openssl rand -base64 32)`);
      else if (keys.some((known) => known.id === id)) problems.push(`key id "${id}" is listed twice`);
      else keys.push({ id, key });
    });
    if (problems.length > 0) throw new Error(problems.join('; '));
    return new KeyEncryptionKeys(keys);
  }

  /** Whether this list includes the published development key. */
  usesDevelopmentKey(): boolean {
    const dev = KeyEncryptionKeys.parse(DEV_PERSONAL_DATA_KEKS).primary;
    return [...this.byId.values()].some((key) => key.equals(dev.key));
  }

  /** The data key encrypted with the primary KEK, bound to the key's id so a wrapped key moved to another row does not open. */
  wrap(keyId: string, dataKey: Buffer): { kekId: string; wrapped: Buffer } {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.primary.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(binding(keyId));
    const wrapped = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return { kekId: this.primary.id, wrapped };
  }

  /** Opens a wrapped data key; null `kekId` means a key stored before wrapping existed (kept raw until re-wrapped). */
  unwrap(keyId: string, kekId: string | null, stored: Buffer): Buffer {
    if (kekId === null) return stored;
    const kek = this.byId.get(kekId);
    if (!kek) throw new Error(`Personal data key ${keyId} is wrapped with key-encryption key "${kekId}", which PERSONAL_DATA_KEKS does not list`);
    const decipher = createDecipheriv('aes-256-gcm', kek, stored.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(binding(keyId));
    decipher.setAuthTag(stored.subarray(stored.length - TAG_BYTES));
    return Buffer.concat([decipher.update(stored.subarray(IV_BYTES, stored.length - TAG_BYTES)), decipher.final()]);
  }
}

function binding(keyId: string): Buffer {
  return Buffer.from(`mutuo.personal-data-key:${keyId}`, 'utf8');
}
