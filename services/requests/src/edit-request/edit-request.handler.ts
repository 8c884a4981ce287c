import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { requestDecider, type EditRequest, type ExistingRequest, type RequestCommand, type RequestEvent, type RequestState } from '../domain/request.decider';
import { PodResponseTargets } from '../shared/response-targets';
import { requestStream } from '../shared/streams';
import { refusingStaleVersions } from '../shared/versioned-command';

/** The requester (or a coordinator) changes a request they loaded at `expectedVersion`; a stale edit is refused. */
@Injectable()
export class EditRequestHandler {
  private readonly commands: CommandHandler<RequestState, RequestCommand, RequestEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly responseTargets: PodResponseTargets,
  ) {
    this.commands = new CommandHandler(store, requestDecider);
  }

  async handle(
    requestId: string,
    expectedVersion: number,
    change: EditRequest['data']['change'],
    ctx: RequestContext,
  ): Promise<{ request: ExistingRequest; version: number }> {
    const actor = actingMember(ctx);
    const responseTargets = await this.responseTargets.of(actor.podId);
    const { state, version } = await refusingStaleVersions(
      'request',
      this.commands.handle(
        this.em.fork(),
        requestStream(actor.podId, requestId),
        { type: 'EditRequest', data: { change, actor, responseTargets }, metadata: commandMetadataFrom(ctx, this.clock.now()) },
        { expectedVersion },
      ),
    );
    return { request: state as ExistingRequest, version };
  }
}
