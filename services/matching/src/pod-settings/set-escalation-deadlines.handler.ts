import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import {
  podMatchingSettingsDecider,
  type EscalationDeadlines,
  type PodMatchingSettingsCommand,
  type PodMatchingSettingsEvent,
  type PodMatchingSettingsState,
} from '../domain/pod-matching-settings.decider';
import { DEFAULT_DEADLINE_MINUTES } from '../shared/escalation-deadlines.sql';

export const podMatchingSettingsStream = (podId: string) => streamName('pod-matching-settings', podId, podId);

/** A coordinator tunes how long requests of their pod may wait before they are overdue and escalated. */
@Injectable()
export class SetEscalationDeadlinesHandler {
  private readonly commands: CommandHandler<PodMatchingSettingsState, PodMatchingSettingsCommand, PodMatchingSettingsEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, podMatchingSettingsDecider);
  }

  async handle(ctx: RequestContext, deadlines: EscalationDeadlines): Promise<EscalationDeadlines> {
    const { identity, podId } = requirePod(ctx);
    if (!identity.roles.includes('coordinator')) throw new DomainRuleViolation('FORBIDDEN', 'Only a coordinator can tune escalation deadlines', 'roles');
    const { state } = await this.commands.handle(this.em.fork(), podMatchingSettingsStream(podId), {
      type: 'SetEscalationDeadlines',
      data: { podId, ...deadlines },
      metadata: commandMetadataFrom(ctx, this.clock.now()),
    });
    return state.status === 'tuned' ? state.deadlines : defaultDeadlines();
  }
}

export function defaultDeadlines(): EscalationDeadlines {
  return {
    emergencyMinutes: DEFAULT_DEADLINE_MINUTES.emergency,
    urgentMinutes: DEFAULT_DEADLINE_MINUTES.urgent,
    normalMinutes: DEFAULT_DEADLINE_MINUTES.normal,
  };
}
