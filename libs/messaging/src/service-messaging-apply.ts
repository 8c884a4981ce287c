import type { JetStreamManager } from '@nats-io/jetstream';
import { errorMessage } from './logger';
import { createStream, ensureConsumerOutcome, ensureStream, streamInfo } from './provisioning';
import type { ServiceMessagingPlan } from './service-messaging-plan';
import { streamDrift } from './stream-specs';

/** What `streams apply` did to one stream or consumer. */
export interface ApplyOutcome {
  readonly kind: 'stream' | 'consumer';
  /** The stream, or `<stream>/<durable>` for a consumer. */
  readonly name: string;
  /** `kept`: another service's stream, left as it is (its own `streams apply` keeps its settings). */
  readonly outcome: 'created' | 'updated' | 'unchanged' | 'kept' | 'failed';
  readonly detail: readonly string[];
}

/**
 * Brings one service's streams and durable consumers in line with configuration and code: creates what is missing,
 * updates its own stream, the dead-letter stream and its consumers where they differ. Another service's stream it
 * reads is created when missing (so services can be provisioned in any order) but never changed. Idempotent; every
 * item is tried, failures are reported with the others.
 */
export async function applyServiceMessaging(jsm: JetStreamManager, plan: ServiceMessagingPlan): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  const attempt = async (kind: ApplyOutcome['kind'], name: string, work: () => Promise<Omit<ApplyOutcome, 'kind' | 'name'>>) => {
    try {
      outcomes.push({ kind, name, ...(await work()) });
    } catch (error) {
      outcomes.push({ kind, name, outcome: 'failed', detail: [errorMessage(error)] });
    }
  };
  for (const needed of plan.streams) {
    await attempt('stream', needed.spec.name, async () => {
      if (needed.role !== 'producer') {
        const { outcome, drift } = await ensureStream(jsm, needed.spec);
        return { outcome, detail: drift };
      }
      const existing = await streamInfo(jsm, needed.spec.name);
      if (!existing) return { outcome: (await createStream(jsm, needed.spec)) ? 'created' : 'unchanged', detail: [] };
      const drift = streamDrift(existing.config, needed.spec);
      return drift.length ? { outcome: 'kept', detail: [`owned by ${needed.owner}: ${drift.join(', ')}`] } : { outcome: 'unchanged', detail: [] };
    });
  }
  for (const consumer of plan.consumers) {
    await attempt('consumer', `${consumer.stream}/${consumer.durable}`, async () => {
      const { outcome, drift } = await ensureConsumerOutcome(jsm, consumer, plan.consumerSettings);
      return { outcome, detail: drift };
    });
  }
  return outcomes;
}
