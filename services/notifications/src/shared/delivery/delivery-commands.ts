import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName, type HandleOptions, type HandledCommand, type LoadedStream } from '@mutuo/event-store';
import { deliveryDecider, type DeliveryCommand, type DeliveryDetails, type DeliveryEvent, type DeliveryState } from '../../domain/delivery.decider';

export function deliveryStream(podId: string | null, deliveryId: string): string {
  return streamName('delivery', podId, deliveryId);
}

/** Load → decide → append for deliveries; every command names its delivery, so the stream follows from it. */
@Injectable()
export class DeliveryCommands {
  private readonly commands: CommandHandler<DeliveryState, DeliveryCommand, DeliveryEvent>;

  constructor(store: PostgresEventStore) {
    this.commands = new CommandHandler(store, deliveryDecider);
  }

  /**
   * Many deliveries of a pod as load() reads each one, in one query and one key lookup instead of two round trips
   * per delivery (a worker's claim). A delivery with no stream comes back as the initial state, version 0.
   */
  async loadMany(em: EntityManager, podId: string | null, deliveryIds: readonly string[]): Promise<Map<string, LoadedStream<DeliveryState>>> {
    if (deliveryIds.length === 0) return new Map();
    const streams = await this.commands.loadMany(
      em,
      deliveryIds.map((deliveryId) => deliveryStream(podId, deliveryId)),
    );
    return new Map(deliveryIds.map((deliveryId) => [deliveryId, streams.get(deliveryStream(podId, deliveryId))!]));
  }

  /**
   * `loaded`: the delivery as the caller read it in this transaction, decided against without a second read. Another
   * writer in between makes the append fail with StreamVersionConflict (and the transaction with it).
   */
  handle(em: EntityManager, podId: string | null, command: DeliveryCommand, options?: HandleOptions<DeliveryState>): Promise<HandledCommand<DeliveryState>> {
    return this.commands.handle(em, deliveryStream(podId, command.data.deliveryId), command, options);
  }

  load(em: EntityManager, podId: string | null, deliveryId: string): Promise<{ state: DeliveryState; version: number }> {
    return this.commands.load(em, deliveryStream(podId, deliveryId));
  }

  decide(em: EntityManager, details: DeliveryDetails, metadata: CommandMetadata): Promise<HandledCommand<DeliveryState>> {
    return this.handle(em, details.podId, { type: 'DecideDelivery', data: details, metadata });
  }
}
