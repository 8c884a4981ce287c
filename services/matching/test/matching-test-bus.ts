import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { AnyIntegrationEventContract } from '@mutuo/contracts';
import { eventTypeFilter, parseCloudEvent } from '@mutuo/messaging';
import { IntegrationEventPublisher, TEST_NATS_URL } from '@mutuo/testing';

/**
 * The other services as matching hears them: events published on JetStream exactly as a producer's outbox relay
 * would (validated CloudEvents with stream versions), and matching's own published events collected by type.
 */
export class MatchingTestBus {
  private nc: NatsConnection | undefined;
  private producers: IntegrationEventPublisher | undefined;
  private readonly heard = new Map<string, Record<string, unknown>[]>();
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly prefix: string,
    private readonly region: string,
  ) {}

  async open(listenTo: readonly AnyIntegrationEventContract[]): Promise<void> {
    this.nc = await connect({ servers: TEST_NATS_URL });
    this.producers = await IntegrationEventPublisher.connect(this.prefix, this.region);
    for (const contract of listenTo) {
      const subscription = this.nc.subscribe(eventTypeFilter(this.prefix, contract.type));
      this.subscriptions.push(subscription);
      void (async () => {
        for await (const message of subscription) {
          const parsed = parseCloudEvent(message.data);
          if (parsed.ok) this.heard.set(contract.type, [...(this.heard.get(contract.type) ?? []), parsed.event.data as Record<string, unknown>]);
        }
      })();
    }
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.producers?.close();
    await this.nc?.close();
  }

  /** What matching published of this contract so far. */
  published<Data>(contract: AnyIntegrationEventContract): Data[] {
    return (this.heard.get(contract.type) ?? []) as Data[];
  }

  /** Another service's event, as its outbox relay publishes it; `version` sends it out of order or again. */
  publish(contract: AnyIntegrationEventContract, streamId: string, podId: string | null, data: unknown, version?: number): Promise<string> {
    return this.producers!.publish(contract, podId, streamId, data, { streamPosition: version });
  }
}
