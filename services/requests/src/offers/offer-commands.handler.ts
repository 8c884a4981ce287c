import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import type { HelpFactsChange } from '../domain/help-facts';
import { offerDecider, type ExistingOffer, type OfferCommand, type OfferEvent, type OfferState } from '../domain/offer.decider';
import { PodFactsQueries, withPodDefaults, type NewHelpFacts } from '../shared/pod-facts';
import { offerStream } from '../shared/streams';
import { refusingStaleVersions } from '../shared/versioned-command';

/** A member offers something, changes it, pauses and resumes it, or withdraws it. */
@Injectable()
export class OfferCommandsHandler {
  private readonly commands: CommandHandler<OfferState, OfferCommand, OfferEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    private readonly pods: PodFactsQueries,
  ) {
    this.commands = new CommandHandler(store, offerDecider);
  }

  async post(facts: NewHelpFacts, ctx: RequestContext, idempotencyKey: string | null = null) {
    const actor = actingMember(ctx);
    const pod = await this.pods.of(actor.podId);
    return this.result(
      await this.commands.create(
        this.em.fork(),
        { key: idempotencyKey, podId: actor.podId, actorId: actor.memberId, operation: 'requests.postOffer', input: facts },
        (offerId) => offerStream(actor.podId, offerId),
        (offerId) => ({
          type: 'PostOffer',
          data: { ...withPodDefaults(facts, pod), offerId, podId: actor.podId, regionId: pod.regionId, actor },
          metadata: commandMetadataFrom(ctx, this.clock.now()),
        }),
      ),
    );
  }

  async edit(offerId: string, expectedVersion: number, change: HelpFactsChange, ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.result(
      await refusingStaleVersions(
        'offer',
        this.commands.handle(
          this.em.fork(),
          offerStream(actor.podId, offerId),
          { type: 'EditOffer', data: { change, actor }, metadata: commandMetadataFrom(ctx, this.clock.now()) },
          { expectedVersion },
        ),
      ),
    );
  }

  async change(offerId: string, type: 'PauseOffer' | 'ResumeOffer' | 'WithdrawOffer', ctx: RequestContext) {
    const actor = actingMember(ctx);
    return this.result(
      await this.commands.handle(this.em.fork(), offerStream(actor.podId, offerId), {
        type,
        data: { actor },
        metadata: commandMetadataFrom(ctx, this.clock.now()),
      }),
    );
  }

  private result({ state, version }: { state: OfferState; version: number }): { offer: ExistingOffer; version: number } {
    return { offer: state as ExistingOffer, version };
  }
}
