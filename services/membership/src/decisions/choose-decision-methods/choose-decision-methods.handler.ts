import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import type { DecisionMethodInput, DecisionMethods } from '../../domain/decision-methods';
import { BUILT_IN_ROLES } from '../../domain/pod-roles.decider';
import { podSettingsDecider, type PodSettingsCommand, type PodSettingsEvent, type PodSettingsState } from '../../domain/pod-settings.decider';
import { PodFacts } from '../../shared/pod-facts';
import { podSettingsStream } from '../../shared/pod-streams';

/** A pod's coordinators choose how each kind of question is decided, and who votes on it. */
@Injectable()
export class ChooseDecisionMethodsHandler {
  private readonly commands: CommandHandler<PodSettingsState, PodSettingsCommand, PodSettingsEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly facts: PodFacts,
  ) {
    this.commands = new CommandHandler(store, podSettingsDecider);
  }

  async choose(changes: readonly DecisionMethodInput[], ctx: RequestContext): Promise<{ podId: string; decisionMethods: DecisionMethods }> {
    const now = this.facts.now();
    const em = this.em.fork();
    const { podId } = await this.facts.requireCoordinator(em, ctx, now);
    const podExists = (await this.facts.pod(em, podId)).status === 'active';
    const roleNames = [...BUILT_IN_ROLES, ...(await this.facts.roles(em, podId)).policy.customRoles];
    const { state } = await this.commands.handle(em, podSettingsStream(podId), {
      type: 'ChangeDecisionMethods',
      data: { podId, podExists, changes, roleNames },
      metadata: commandMetadataFrom(ctx, now),
    });
    return { podId, decisionMethods: state.decisionMethods };
  }

  methodsOf(podId: string): Promise<DecisionMethods> {
    return this.facts.decisionMethods(this.em.fork(), podId);
  }
}
