import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventDataCodec, OpenedPublishedData, PendingEvent, PublishedDataRow, SealableEvent, SealedEventData, StoredEvent } from '../types';
import type { KeyEncryptionKeys } from './key-encryption-keys';
import { keysById, keysOfOwners, rewrapPersonalDataKeys, type DataKey } from './personal-data-keys';
import { publishedPersonalDataLedger } from './published-personal-data';

/** A personal field's stand-in once its key is destroyed: a value the event's readers accept, identifying nobody. */
export type PersonalFieldStandIn = (data: Readonly<Record<string, unknown>>) => unknown;

/** Field name → its stand-in. */
export type PersonalFields = Readonly<Record<string, PersonalFieldStandIn>>;

export interface PersonalDataPolicy {
  /** The personal fields of the event's own data; undefined (or empty) when it has none. */
  fieldsOf(event: PendingEvent): PersonalFields | undefined;
  /** The personal fields of the data the event publishes when that differs from its own (the outbox's publish data). */
  publishedFieldsOf?(event: PendingEvent): PersonalFields | undefined;
  /** Whose key seals the event's personal fields (a member id, a UUID); null leaves the event as it is. */
  ownerOf(event: PendingEvent): string | null;
}

/** A stand-in that is always the same value. */
export const standIn =
  (value: unknown): PersonalFieldStandIn =>
  () =>
    value;

/**
 * A sealed field: `{ "$personal": <key id>, "sealed": <ciphertext>, "erased": <stand-in> }`. The stand-in is chosen
 * when sealing, so opening needs no knowledge of event types: the outbox relay opens published data blindly.
 */
interface PersonalEnvelope {
  readonly $personal: string;
  readonly sealed: string;
  readonly erased: unknown;
}

const ENVELOPE_MARK = '"$personal"';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Crypto-shredding for a service's events: the personal fields of an event are sealed with the data key of the
 * person they are about (AES-256-GCM), kept in `mutuo_personal_data_keys` wrapped with a key-encryption key from
 * configuration (personal-data-keys.ts), never in the events. Destroying the key
 * (`destroyPersonalDataKey`, on erasure) leaves every stream and version as it was, but those fields then open only
 * to their stand-ins. Each service says which fields of which events are personal, and whose they are.
 */
export class PersonalDataCodec implements EventDataCodec {
  constructor(
    private readonly policy: PersonalDataPolicy,
    private readonly keks: KeyEncryptionKeys,
  ) {}

  /** Integration events carry the names and titles their consumers need opened: erasure erases those messages. */
  readonly publications = publishedPersonalDataLedger;

  /** Wraps raw keys and keys under an older KEK with the primary one (at start). */
  prepare(em: EntityManager): Promise<number> {
    return rewrapPersonalDataKeys(em, this.keks);
  }

  async seal(em: EntityManager, events: readonly SealableEvent[]): Promise<SealedEventData[]> {
    const plans = events.map(({ event, publishData }) => {
      const owner = this.policy.ownerOf(event);
      const fields = owner ? (this.policy.fieldsOf(event) ?? {}) : {};
      const publishedFields = owner && publishData !== undefined ? (this.policy.publishedFieldsOf?.(event) ?? {}) : {};
      const personal = Object.keys(fields).length > 0 || Object.keys(publishedFields).length > 0;
      return { event, publishData, owner: personal ? owner : null, fields, publishedFields };
    });
    const owners = [...new Set(plans.flatMap((plan) => (plan.owner ? [plan.owner] : [])))];
    if (owners.length === 0) return events.map(({ event, publishData }) => ({ data: event.data, publishData }));
    const keys = await keysOfOwners(em, this.keks, owners);
    return plans.map(({ event, publishData, owner, fields, publishedFields }) => {
      if (!owner) return { data: event.data, publishData };
      const key = keys.get(owner);
      // Never store personal data in clear because a key went missing (say, erased by a concurrent transaction).
      if (!key) throw new Error(`No personal data key for ${owner}: event ${event.type} not stored`);
      return {
        data: sealFields(event.eventId, event.data, fields, key),
        publishData: publishData === undefined ? undefined : sealFields(event.eventId, publishData, publishedFields, key),
      };
    });
  }

  async open(em: EntityManager, events: readonly StoredEvent[]): Promise<StoredEvent[]> {
    const keyIds = new Set<string>();
    for (const event of events) collectKeyIds(event.data, keyIds);
    if (keyIds.size === 0) return [...events];
    const keys = await keysById(em, this.keks, [...keyIds]);
    return events.map((event) => ({ ...event, data: openFields(event.eventId, event.data, keys) }));
  }

  async openPublished(em: EntityManager, rows: readonly PublishedDataRow[]): Promise<OpenedPublishedData[]> {
    // Most published data has nothing personal in it: only what carries an envelope is parsed.
    const parsed = rows.map((row) => (row.data.includes(ENVELOPE_MARK) ? (JSON.parse(row.data) as unknown) : undefined));
    const keyIds = new Set<string>();
    for (const data of parsed) if (data !== undefined) collectKeyIds(data, keyIds);
    if (keyIds.size === 0) return rows.map((row) => ({ data: row.data, personalKeyIds: [] }));
    const keys = await keysById(em, this.keks, [...keyIds]);
    return rows.map((row, index) => {
      const data = parsed[index];
      if (data === undefined) return { data: row.data, personalKeyIds: [] };
      const used = new Set<string>();
      collectKeyIds(data, used);
      // Only a key that still exists puts personal text in the message: a destroyed one leaves its stand-ins.
      return { data: JSON.stringify(openFields(row.eventId, data, keys)), personalKeyIds: [...used].filter((keyId) => keys.has(keyId)) };
    });
  }
}

function isEnvelope(value: unknown): value is PersonalEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as PersonalEnvelope).$personal === 'string';
}

/** Authenticated with the event and the field, so a sealed value copied elsewhere does not open. */
function binding(eventId: string, field: string): Buffer {
  return Buffer.from(`mutuo.personal-data:${eventId}:${field}`, 'utf8');
}

function sealValue(key: Buffer, value: unknown, aad: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function openValue(key: Buffer, sealed: string, aad: Buffer): unknown {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || ciphertext === undefined || !tag) throw new Error('Unknown sealed personal data format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')) as unknown;
}

function sealFields(eventId: string, data: unknown, fields: PersonalFields, key: DataKey): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  const record = data as Record<string, unknown>;
  const sealed: Record<string, unknown> = { ...record };
  for (const [field, erased] of Object.entries(fields)) {
    if (record[field] === undefined) continue;
    const envelope: PersonalEnvelope = { $personal: key.keyId, sealed: sealValue(key.key, record[field], binding(eventId, field)), erased: erased(record) };
    sealed[field] = envelope;
  }
  return sealed;
}

function collectKeyIds(data: unknown, into: Set<string>): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return;
  for (const value of Object.values(data)) if (isEnvelope(value)) into.add(value.$personal);
}

/** Each envelope opens with its key, or to its stand-in once the key is gone. Fields written in clear pass as they are. */
function openFields(eventId: string, data: unknown, keys: ReadonlyMap<string, Buffer>): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  let opened: Record<string, unknown> | null = null;
  for (const [field, value] of Object.entries(data)) {
    if (!isEnvelope(value)) continue;
    opened ??= { ...(data as Record<string, unknown>) };
    const key = keys.get(value.$personal);
    opened[field] = key ? openValue(key, value.sealed, binding(eventId, field)) : value.erased;
  }
  return opened ?? data;
}
