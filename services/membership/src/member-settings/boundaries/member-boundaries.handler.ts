import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { foldEvents } from '@mutuo/domain';
import { PostgresEventStore, streamName } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { memberBoundariesDecider, type AvailabilityWindow, type QuietHours } from '../../domain/member-boundaries.decider';
import { memberPauseDecider } from '../../domain/member-pause.decider';
import { podDecider, type PodEvent } from '../../domain/pod.decider';
import type { MemberParent } from '../../shared/member-details';
import { callingMember, MemberStream } from '../../shared/member-stream';
import { PauseReturnScheduler } from './pause-return.scheduler';

export interface BoundariesInput {
  readonly availability: readonly AvailabilityWindow[];
  readonly weeklyCapacityHours: number;
  readonly quietHours: QuietHours | null;
  /** Defaults to the member's current zone, else the pod's. */
  readonly timezone?: string | null;
}

/** A member sets their limits, steps back, or returns. */
@Injectable()
export class MemberBoundariesHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly store: PostgresEventStore,
    private readonly stream: MemberStream,
    private readonly scheduler: PauseReturnScheduler,
    private readonly clock: Clock,
  ) {}

  async setBoundaries(ctx: RequestContext, input: BoundariesInput): Promise<MemberParent> {
    const caller = callingMember(ctx, this.clock.now());
    const timezone = input.timezone ?? (await this.currentTimezone(caller.podId, caller.memberId));
    await this.stream.decide(memberBoundariesDecider, caller.podId, caller.memberId, {
      type: 'SetBoundaries',
      data: { availability: input.availability, weeklyCapacityHours: input.weeklyCapacityHours, quietHours: input.quietHours, timezone },
      metadata: caller.metadata,
    });
    return this.stream.snapshotOf(caller);
  }

  async stepBack(ctx: RequestContext, returnAt: string | null): Promise<MemberParent> {
    const caller = callingMember(ctx, this.clock.now());
    await this.stream.decide(memberPauseDecider, caller.podId, caller.memberId, { type: 'StepBack', data: { returnAt }, metadata: caller.metadata });
    const member = await this.stream.snapshotOf(caller);
    const due = member.snapshot?.pause?.returnAt;
    if (due) this.scheduler.expectReturnAt(new Date(due));
    return member;
  }

  async returnFromPause(ctx: RequestContext): Promise<MemberParent> {
    const caller = callingMember(ctx, this.clock.now());
    await this.stream.decide(memberPauseDecider, caller.podId, caller.memberId, {
      type: 'ReturnFromPause',
      data: { automatic: false },
      metadata: caller.metadata,
    });
    return this.stream.snapshotOf(caller);
  }

  private async currentTimezone(podId: string, memberId: string): Promise<string> {
    const member = await this.stream.snapshot(podId, memberId);
    if (member?.snapshot?.boundaries) return member.snapshot.boundaries.timezone;
    const { events } = await this.store.readStream(this.em.fork(), streamName('pod', podId, podId));
    const pod = foldEvents(podDecider, events as unknown as PodEvent[]);
    // Without a pod there is no member either, and the decider refuses the command; the zone is never used.
    return pod.status === 'active' ? pod.timezone : 'UTC';
  }
}
