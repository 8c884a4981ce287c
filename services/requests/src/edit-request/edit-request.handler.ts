import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { PostgresEventStore } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { requestDecider, type EditRequest, type ExistingRequest } from '../domain/request.decider';
import { PodResponseTargets } from '../shared/response-targets';
import { requestStream } from '../shared/streams';
import { handleAtVersion } from '../shared/versioned-command';

/** The requester (or a coordinator) changes a request they loaded at `expectedVersion`; a stale edit is refused. */
@Injectable()
export class EditRequestHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly responseTargets: PodResponseTargets,
  ) {}

  async handle(requestId: string, expectedVersion: number, change: EditRequest['data']['change'], ctx: RequestContext): Promise<{ request: ExistingRequest; version: number }> {
    const actor = actingMember(ctx);
    const responseTargets = await this.responseTargets.of(actor.podId);
    const { state, version } = await handleAtVersion(
      this.em.fork(),
      this.store,
      requestDecider,
      requestStream(actor.podId, requestId),
      expectedVersion,
      { type: 'EditRequest', data: { change, actor, responseTargets }, metadata: commandMetadataFrom(ctx, this.clock.now()) },
      'request',
    );
    return { request: state as ExistingRequest, version };
  }
}
