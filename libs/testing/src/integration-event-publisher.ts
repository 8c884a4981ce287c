import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { AnyIntegrationEventContract } from '@mutuo/contracts';
import { createOutboxMapper } from '@mutuo/messaging';
import { TEST_NATS_URL } from './nats-test';

export interface IntegrationEventPublishOptions {
  /** Defaults to a fresh id. */
  readonly eventId?: string;
  /** Defaults to the stream's next version. */
  readonly streamPosition?: number;
}

/**
 * Publishes integration events as their producers' outbox relays would: validated CloudEvents on JetStream, with
 * stream versions counted per producer stream. For tests and benchmarks of a consuming service.
 */
export class IntegrationEventPublisher {
  private readonly versions = new Map<string, number>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly region: string,
  ) {}

  static async connect(prefix: string, region: string, natsUrl = TEST_NATS_URL): Promise<IntegrationEventPublisher> {
    return new IntegrationEventPublisher(await connect({ servers: natsUrl, name: 'mutuo-test-publisher' }), prefix, region);
  }

  /**
   * `eventId` lets a test send the same event again; the NATS message id differs each time, so the broker does not
   * drop the repeat and the consumer's own deduplication is what gets tested. `streamPosition` lets a test send an
   * event out of order or replay an old version; otherwise the stream's next version is used. Returns the event id.
   */
  async publish(
    contract: AnyIntegrationEventContract,
    podId: string | null,
    streamId: string,
    data: unknown,
    options: string | IntegrationEventPublishOptions = {},
  ): Promise<string> {
    const { eventId = randomUUID(), streamPosition: position } = typeof options === 'string' ? { eventId: options } : options;
    const lastPosition = this.lastStreamPosition(streamId);
    const streamPosition = position ?? lastPosition + 1;
    this.versions.set(streamId, Math.max(streamPosition, lastPosition));
    const message = createOutboxMapper({ service: contract.service, region: this.region, prefix: this.prefix, map: () => ({ contract, data }) })({
      eventId,
      streamId,
      streamPosition,
      podId,
      type: contract.type,
      data,
      metadata: { occurredAt: new Date().toISOString(), actorId: 'test', ...(podId ? { podId } : {}) },
    });
    if (!message) throw new Error(`${contract.type} was not mapped to a message`);
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(message.headers ?? {})) headers.set(name, value);
    await jetstream(this.nc).publish(message.subject, JSON.stringify(message.payload), { msgID: randomUUID(), headers });
    return eventId;
  }

  /** The last version published on this stream (0 before any): to plan events sent out of order. */
  lastStreamPosition(streamId: string): number {
    return this.versions.get(streamId) ?? 0;
  }

  close(): Promise<void> {
    return this.nc.close();
  }
}
