import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName, type HandledCommand, type StoredEvent } from '@mutuo/event-store';
import { deliveryDecider, type DeliveryCommand, type DeliveryDetails, type DeliveryEvent, type DeliveryState } from '../../domain/delivery.decider';

export function deliveryStream(podId: string | null, deliveryId: string): string {
  return streamName('delivery', podId, deliveryId);
}

/** Load → decide → append for deliveries; every command names its delivery, so the stream follows from it. */
@Injectable()
export class DeliveryCommands {
  private readonly commands: CommandHandler<DeliveryState, DeliveryCommand, DeliveryEvent>;

  constructor(private readonly store: PostgresEventStore) {
    this.commands = new CommandHandler(store, deliveryDecider);
  }

  /**
   * Many deliveries of a pod as load() reads each one, in one query and one key lookup instead of two round trips
   * per delivery (a worker's claim). A delivery with no stream comes back as the initial state, version 0.
   */
  async loadMany(em: EntityManager, podId: string | null, deliveryIds: readonly string[]): Promise<Map<string, { state: DeliveryState; version: number }>> {
    const loaded = new Map(deliveryIds.map((deliveryId) => [deliveryId, { state: deliveryDecider.initialState(), version: 0 }]));
    if (deliveryIds.length === 0) return loaded;
    const deliveryOfStream = new Map(deliveryIds.map((deliveryId) => [deliveryStream(podId, deliveryId), deliveryId]));
    const streams = await this.store.readStreams(em, [...deliveryOfStream.keys()]);
    const events = [...streams.values()].flat();
    for (const event of events) {
      const deliveryId = deliveryOfStream.get(event.streamId);
      const current = deliveryId === undefined ? undefined : loaded.get(deliveryId);
      if (!current || deliveryId === undefined) continue;
      loaded.set(deliveryId, { state: deliveryDecider.evolve(current.state, event as unknown as DeliveryEvent), version: event.streamPosition });
    }
    return loaded;
  }

  /**
   * Decides against a state the caller loaded in this transaction and appends with its version, saving a second read.
   * Another writer in between makes the append fail with StreamVersionConflict (and the transaction with it).
   */
  async handleLoaded(
    em: EntityManager,
    podId: string | null,
    loaded: { state: DeliveryState; version: number },
    command: DeliveryCommand,
  ): Promise<{ state: DeliveryState; version: number; newEvents: StoredEvent[] }> {
    const decided = deliveryDecider.decide(command, loaded.state);
    if (decided.length === 0) return { ...loaded, newEvents: [] };
    const { nextExpectedVersion, events } = await this.store.append(em, deliveryStream(podId, command.data.deliveryId), decided, loaded.version === 0 ? 'no_stream' : loaded.version);
    return { state: decided.reduce((state, event) => deliveryDecider.evolve(state, event), loaded.state), version: nextExpectedVersion, newEvents: events };
  }

  handle(em: EntityManager, podId: string | null, command: DeliveryCommand): Promise<HandledCommand<DeliveryState>> {
    return this.commands.handle(em, deliveryStream(podId, command.data.deliveryId), command);
  }

  load(em: EntityManager, podId: string | null, deliveryId: string): Promise<{ state: DeliveryState; version: number }> {
    return this.commands.load(em, deliveryStream(podId, deliveryId));
  }

  decide(em: EntityManager, details: DeliveryDetails, metadata: CommandMetadata): Promise<HandledCommand<DeliveryState>> {
    return this.handle(em, details.podId, { type: 'DecideDelivery', data: details, metadata });
  }
}
