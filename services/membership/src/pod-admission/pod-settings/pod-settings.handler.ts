import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import {
  JOIN_QUESTION_LIMITS,
  podSettingsDecider,
  type PodSettings,
  type PodSettingsChanges,
  type PodSettingsCommand,
  type PodSettingsEvent,
  type PodSettingsState,
} from '../../domain/pod-settings.decider';
import { PodFacts } from '../../shared/pod-facts';
import { podSettingsStream } from '../../shared/pod-streams';

/** A pod's coordinators change how it works. */
@Injectable()
export class PodSettingsHandler {
  private readonly commands: CommandHandler<PodSettingsState, PodSettingsCommand, PodSettingsEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.commands = new CommandHandler(store, podSettingsDecider);
  }

  async change(changes: PodSettingsChanges, ctx: RequestContext): Promise<{ podId: string; settings: PodSettings }> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const podExists = (await this.facts.pod(em, podId)).status === 'active';
    const freshQuestionIds = Array.from({ length: Math.min(changes.joinQuestions?.length ?? 0, JOIN_QUESTION_LIMITS.max) }, () => randomUUID());
    const { state } = await this.commands.handle(em, podSettingsStream(podId), {
      type: 'ChangePodSettings',
      data: { podId, podExists, changes, freshQuestionIds },
      metadata: commandMetadataFrom(ctx, now),
    });
    return { podId, settings: state.settings };
  }
}
