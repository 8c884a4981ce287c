import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import { podDecider, type PodCommand, type PodEvent, type PodState } from '../domain/pod.decider';
import { PodFacts } from '../shared/pod-facts';
import { podStream } from '../shared/pod-streams';

export type ActivePod = Extract<PodState, { status: 'active' }>;

/** A pod's coordinators take it out of its region; the pod and its members carry on, outside any region. */
@Injectable()
export class LeaveRegionHandler {
  private readonly pods: CommandHandler<PodState, PodCommand, PodEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.pods = new CommandHandler(store, podDecider);
  }

  async leave(input: { reason?: string | null }, ctx: RequestContext): Promise<ActivePod & { leftRegionAt: string }> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const metadata = commandMetadataFrom(ctx, now);
    const { state } = await this.pods.handle(em, podStream(podId), { type: 'LeaveRegion', data: { podId, reason: input.reason ?? null }, metadata });
    return { ...(state as ActivePod), leftRegionAt: metadata.now };
  }
}
