import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import type { ResponseTargets } from '../domain/help-facts';
import { responseTargetsDecider, type ResponseTargetsCommand, type ResponseTargetsEvent, type ResponseTargetsState } from '../domain/response-targets.decider';

export const responseTargetsStream = (podId: string) => streamName('response-targets', podId, podId);

/** The pod's response targets, read from their stream (one small stream per pod), and their tuning by a coordinator. */
@Injectable()
export class PodResponseTargets {
  private readonly commands: CommandHandler<ResponseTargetsState, ResponseTargetsCommand, ResponseTargetsEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, responseTargetsDecider);
  }

  async of(podId: string): Promise<ResponseTargets> {
    return (await this.commands.load(this.em.fork(), responseTargetsStream(podId))).state.targets;
  }

  async tune(targets: ResponseTargets, ctx: RequestContext): Promise<ResponseTargets> {
    const actor = actingMember(ctx);
    const { state } = await this.commands.handle(this.em.fork(), responseTargetsStream(actor.podId), {
      type: 'SetResponseTargets',
      data: { podId: actor.podId, targets, actor },
      metadata: commandMetadataFrom(ctx, this.clock.now()),
    });
    return state.targets;
  }
}
