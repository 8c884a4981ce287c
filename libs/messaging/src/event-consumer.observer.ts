import type { FailureKind } from './dead-letter';

/**
 * What a consumer tells whoever watches it (metrics), one call per outcome. Event types come from the contract
 * registry and failure kinds from a closed list, so both are safe as metric labels.
 */
export interface EventConsumerObserver {
  /** A handler ran and committed (`duplicate`: the inbox had it already, the handler did not run again). */
  handled(eventType: string, seconds: number, duplicate: boolean): void;
  /** A handler refused the event; it is retried later, or dead-lettered after the last refusal. */
  refused(eventType: string): void;
  /** JetStream delivered a message again (after a nak, an ack timeout or a restart). */
  redelivered(): void;
  deadLettered(kind: FailureKind): void;
}
