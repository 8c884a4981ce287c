import type { EntityManager } from '@mikro-orm/postgresql';
import type { MutuoCloudEvent } from './cloud-event';

/** Where a message came from and how often it was delivered. */
export interface DeliveryInfo {
  readonly consumer: string;
  readonly stream: string;
  readonly streamSequence: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly natsSubject: string;
}

/** An integration event as a handler receives it: validated against its contract, inside the inbox transaction. */
export interface ReceivedEvent<Data = unknown> {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  /** The producer's event-store stream (aggregate) id. */
  readonly subject: string;
  readonly time: string;
  readonly podId: string | null;
  readonly regionId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actorId: string;
  /** The event's position in the producer's stream: a gap or a repeat shows an out-of-order delivery. */
  readonly streamVersion: number;
  readonly data: Data;
  /** The inbox transaction: write the handler's effects through it (or through the global EntityManager, which joins it). */
  readonly em: EntityManager;
  readonly delivery: DeliveryInfo;
  readonly cloudEvent: MutuoCloudEvent<Data>;
}

export type EventHandler<Data = unknown> = (event: ReceivedEvent<Data>) => Promise<void>;
