import { longestGapAfter, type StoredMessage } from '@mutuo/testing';
import { lagRecovery } from './steady-load';

export interface PostedEvent {
  readonly eventId: string;
  /** When the event row committed in the producer's database (ms since the epoch). */
  readonly appendedAt: number;
  /** When the consumer's inbox row committed with its reaction. */
  readonly handledAt: number;
}

export interface FailoverFigures {
  /** Longest pause between two messages stored in the producer's stream, ending after the kill. */
  readonly publishStallMs: number;
  /** Largest append → stored-by-JetStream time of any event. */
  readonly maxPublishDelayMs: number;
  readonly lagBeforeKillMaxMs: number;
  /** When, after the kill, matching's lag was last at or above the target; and the largest lag after the kill. */
  readonly lagAfterKill: { readonly recoveredAfterMs: number; readonly maxLagMs: number };
  /** Per 5 s of append time relative to the kill: events, worst publish delay, worst delivery (stored → handled), in ms. */
  readonly timeline: readonly (readonly [number, number, number, number])[];
}

/** The figures the failover test reports (and asserts on), from timestamps PostgreSQL and JetStream kept. */
export function failoverFigures(events: readonly PostedEvent[], stored: readonly StoredMessage[], killedAt: number, lagTargetMs: number): FailoverFigures {
  const storedAt = new Map(stored.map((message) => [message.msgId, message.storedAt]));
  const buckets = new Map<number, [number, number, number, number]>();
  for (const event of events) {
    const stored = storedAt.get(event.eventId) ?? Number.NaN;
    const bucket = Math.floor((event.appendedAt - killedAt) / 5_000) * 5;
    const row = buckets.get(bucket) ?? [bucket, 0, 0, 0];
    buckets.set(bucket, [bucket, row[1] + 1, Math.max(row[2], Math.round(stored - event.appendedAt)), Math.max(row[3], Math.round(event.handledAt - stored))]);
  }
  const lags = events.map((event) => ({ appendedAt: event.appendedAt, lagMs: event.handledAt - event.appendedAt }));
  return {
    publishStallMs: Math.round(longestGapAfter([...storedAt.values()], killedAt).gapMs),
    maxPublishDelayMs: Math.round(Math.max(...events.map((event) => (storedAt.get(event.eventId) ?? Number.NaN) - event.appendedAt))),
    lagBeforeKillMaxMs: Math.round(Math.max(0, ...lags.filter((event) => event.appendedAt < killedAt).map((event) => event.lagMs))),
    lagAfterKill: lagRecovery(lags, killedAt, lagTargetMs),
    timeline: [...buckets.values()].sort((a, b) => a[0] - b[0]),
  };
}
