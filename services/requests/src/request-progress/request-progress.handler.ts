import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { requestDecider, type Contribution, type ExistingRequest, type RequestCommand, type RequestEvent, type RequestState } from '../domain/request.decider';
import { requestStream } from '../shared/streams';

/** What happens to a request after posting, by people: help starts, is confirmed (or undone), or is cancelled. */
@Injectable()
export class RequestProgressHandler {
  private readonly commands: CommandHandler<RequestState, RequestCommand, RequestEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, requestDecider);
  }

  start(requestId: string, ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.run(actor.podId, requestId, { type: 'StartHelp', data: { actor }, metadata: commandMetadataFrom(ctx, this.clock.now()) });
  }

  cancel(requestId: string, ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.run(actor.podId, requestId, { type: 'CancelRequest', data: { actor }, metadata: commandMetadataFrom(ctx, this.clock.now()) });
  }

  /** `helpers` name people by their member id, as the API shows them. */
  confirm(requestId: string, contributions: Contribution[], ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.run(actor.podId, requestId, {
      type: 'ConfirmFulfilment',
      data: { fulfilmentId: randomUUID(), actor, contributions },
      metadata: commandMetadataFrom(ctx, this.clock.now()),
    });
  }

  reverse(requestId: string, reason: string, ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.run(actor.podId, requestId, { type: 'ReverseFulfilment', data: { actor, reason }, metadata: commandMetadataFrom(ctx, this.clock.now()) });
  }

  private async run(podId: string, requestId: string, command: RequestCommand): Promise<{ request: ExistingRequest; version: number }> {
    const { state, version } = await this.commands.handle(this.em.fork(), requestStream(podId, requestId), command);
    return { request: state as ExistingRequest, version };
  }
}
