import type { StoredEvent } from '../types';

/**
 * One step in the history of an event type's data: reads data written at `fromVersion`, returns it as
 * `fromVersion + 1` wrote it. Events appended before versioning carry no version and count as version 1, whatever
 * shape they have, so a step must leave fields that already have the later shape as they are (fill what is missing,
 * never overwrite what is there).
 */
export interface EventUpcaster {
  readonly type: string;
  readonly fromVersion: number;
  /** Pure: the stored event is there for context (its metadata, pod, recording time), not to be changed. */
  upcast(data: Record<string, unknown>, event: StoredEvent): Record<string, unknown>;
}

/** The version an appended event's metadata records, when its type has ever changed shape. */
export const SCHEMA_VERSION_FIELD = 'schemaVersion';

export class InvalidUpcasterChain extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUpcasterChain';
  }
}

/**
 * Every upcaster of a service, by event type. Applied in the store's read path (readStream, readStreams, readAll
 * and so the projections and command handlers) after the data is opened: every reader sees the current shape.
 */
export class EventUpcasters {
  private readonly chains = new Map<string, EventUpcaster[]>();

  constructor(upcasters: readonly EventUpcaster[]) {
    for (const upcaster of upcasters) {
      const chain = this.chains.get(upcaster.type) ?? [];
      chain.push(upcaster);
      this.chains.set(upcaster.type, chain);
    }
    for (const [type, chain] of this.chains) {
      chain.sort((a, b) => a.fromVersion - b.fromVersion);
      chain.forEach((step, index) => {
        if (step.fromVersion !== index + 1) {
          throw new InvalidUpcasterChain(`Upcasters of ${type} must go 1 → 2 → … without gaps or repeats (found one from version ${step.fromVersion})`);
        }
      });
    }
  }

  /** The version new events of this type are written at: 1 plus its upcasters. */
  currentVersion(type: string): number {
    return (this.chains.get(type)?.length ?? 0) + 1;
  }

  /** The metadata an appended event is stored with: its type's current version, when that is past 1. */
  stamp<Metadata extends object>(type: string, metadata: Metadata): Metadata {
    const version = this.currentVersion(type);
    return version === 1 ? metadata : { ...metadata, [SCHEMA_VERSION_FIELD]: version };
  }

  /** The event in its type's current shape (the same object when it already is). */
  upcast(event: StoredEvent): StoredEvent {
    const chain = this.chains.get(event.type);
    if (!chain) return event;
    const written = versionOf(event);
    if (written > chain.length) return event;
    let data = (isRecord(event.data) ? event.data : {}) as Record<string, unknown>;
    for (const step of chain.slice(written - 1)) data = step.upcast(data, event);
    return { ...event, data, metadata: { ...event.metadata, [SCHEMA_VERSION_FIELD]: chain.length + 1 } as StoredEvent['metadata'] };
  }

  upcastAll(events: StoredEvent[]): StoredEvent[] {
    return this.chains.size === 0 ? events : events.map((event) => this.upcast(event));
  }
}

function versionOf(event: StoredEvent): number {
  const version = (event.metadata as unknown as Record<string, unknown>)[SCHEMA_VERSION_FIELD];
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
