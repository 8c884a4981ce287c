import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { podDecider, type PodCommand, type PodEvent, type PodState } from '../domain/pod.decider';
import type { ActivePod } from './leave-region.handler';
import { PodFacts } from '../shared/pod-facts';
import { podStream } from '../shared/pod-streams';

/**
 * A region's stewards admit a pod that is outside any region (it left one): the pod is part of their region from now
 * on, and every service that keeps region facts hears `pod-joined-region`. The region has its say, as it does when it
 * approves a new pod's application.
 */
@Injectable()
export class JoinRegionHandler {
  private readonly pods: CommandHandler<PodState, PodCommand, PodEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.pods = new CommandHandler(store, podDecider);
  }

  async admit(input: { podId: string; regionId: string }, ctx: RequestContext): Promise<ActivePod> {
    const now = this.facts.now();
    const em = this.em.fork();
    await this.facts.requireRegionSteward(em, ctx, input.regionId);
    const regionExists = (await this.facts.region(em, input.regionId)).status === 'active';
    const { state } = await this.pods.handle(em, podStream(input.podId), {
      type: 'JoinRegion',
      data: { podId: input.podId, regionId: input.regionId, regionExists },
      metadata: { ...commandMetadataFrom(ctx, now), podId: input.podId },
    });
    return state as ActivePod;
  }
}
