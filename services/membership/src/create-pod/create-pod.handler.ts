import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataFrom, requireRole, type RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { podDecider, type PodCommand, type PodEvent, type PodState } from '../domain/pod.decider';

export type ActivePod = Extract<PodState, { status: 'active' }>;

/** An operator or region steward opens a pod in an existing region. */
@Injectable()
export class CreatePodHandler {
  private readonly commands: CommandHandler<PodState, PodCommand, PodEvent>;

  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, podDecider);
  }

  async handle(
    input: { regionId: string; name: string; languages: string[]; timezone: string },
    ctx: RequestContext,
    idempotencyKey: string | null = null,
  ): Promise<ActivePod> {
    const identity = requireRole(ctx, 'operator', 'region-steward');
    const em = this.em.fork();
    // The region's own stream is the truth: no read-model lag can let a pod into a region that does not exist.
    const regionExists = (await this.store.currentVersion(em, streamName('region', null, input.regionId))) > 0;
    const { state } = await this.commands.create(
      em,
      { key: idempotencyKey, podId: null, actorId: identity.subject, operation: 'membership.createPod', input },
      (podId) => streamName('pod', podId, podId),
      (podId) => ({ type: 'CreatePod', data: { ...input, podId, regionExists }, metadata: { ...commandMetadataFrom(ctx, this.clock.now()), podId } }),
    );
    return state as ActivePod;
  }
}
