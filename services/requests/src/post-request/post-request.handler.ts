import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import { requestDecider, type PostedRequest, type RequestState } from '../domain/request.decider';

export type PostRequestInput = Pick<PostedRequest, 'title' | 'description' | 'language' | 'category' | 'urgency'>;
export type OpenRequest = Extract<RequestState, { status: 'open' }>;

/** A member asks for help: the request is theirs and in the pod of their token, whatever the input says. */
@Injectable()
export class PostRequestHandler {
  private readonly commands: CommandHandler<RequestState, Parameters<typeof requestDecider.decide>[0], ReturnType<typeof requestDecider.decide>[number]>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
  ) {
    this.commands = new CommandHandler(store, requestDecider);
  }

  async handle(input: PostRequestInput, ctx: RequestContext): Promise<OpenRequest> {
    const { identity, podId } = requirePod(ctx);
    const requestId = randomUUID();
    const { state } = await this.commands.handle(this.em.fork(), streamName('request', podId, requestId), {
      type: 'PostRequest',
      data: { ...input, requestId, podId, requesterMemberId: memberIdFor(podId, identity.subject) },
      metadata: commandMetadataFrom(ctx, new Date()),
    });
    return state as OpenRequest;
  }
}
