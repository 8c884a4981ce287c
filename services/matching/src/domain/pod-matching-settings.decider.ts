import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * How long a pod lets a request wait for a match before it is overdue (the dispatcher's queue) and, when the pod
 * allows it, offered to neighbouring pods. Tuned per urgency by the pod's coordinators.
 */
export interface EscalationDeadlines {
  readonly emergencyMinutes: number;
  readonly urgentMinutes: number;
  readonly normalMinutes: number;
}

export type PodMatchingSettingsState = { readonly status: 'defaults' } | { readonly status: 'tuned'; readonly deadlines: EscalationDeadlines };

export type SetEscalationDeadlines = Command<'SetEscalationDeadlines', EscalationDeadlines & { readonly podId: string }>;
export type PodMatchingSettingsCommand = SetEscalationDeadlines;

export type EscalationDeadlinesSet = DomainEvent<'EscalationDeadlinesSet', EscalationDeadlines & { podId: string; setAt: string }>;
export type PodMatchingSettingsEvent = EscalationDeadlinesSet;

const LIMITS: Record<keyof EscalationDeadlines, [number, number]> = {
  emergencyMinutes: [5, 24 * 60],
  urgentMinutes: [15, 7 * 24 * 60],
  normalMinutes: [60, 30 * 24 * 60],
};

export const podMatchingSettingsDecider: Decider<PodMatchingSettingsState, PodMatchingSettingsCommand, PodMatchingSettingsEvent> = {
  initialState: () => ({ status: 'defaults' }),

  decide(command, state) {
    switch (command.type) {
      case 'SetEscalationDeadlines': {
        const { podId, ...deadlines } = command.data;
        for (const [field, [min, max]] of Object.entries(LIMITS) as [keyof EscalationDeadlines, [number, number]][]) {
          const value = deadlines[field];
          if (!Number.isInteger(value) || value < min || value > max) {
            throw new DomainRuleViolation('DEADLINE_OUT_OF_RANGE', `${field} must be a whole number of minutes from ${min} to ${max}`, field);
          }
        }
        if (!(deadlines.emergencyMinutes <= deadlines.urgentMinutes && deadlines.urgentMinutes <= deadlines.normalMinutes)) {
          throw new DomainRuleViolation(
            'DEADLINES_OUT_OF_ORDER',
            'A more pressing urgency needs a deadline no later than a less pressing one',
            'urgentMinutes',
          );
        }
        if (state.status === 'tuned' && sameDeadlines(state.deadlines, deadlines)) return [];
        return [{ type: 'EscalationDeadlinesSet', data: { podId, ...deadlines, setAt: command.metadata.now }, metadata: eventMetadataFrom(command.metadata) }];
      }
      default:
        return assertNever(command.type, 'pod matching settings command');
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'EscalationDeadlinesSet': {
        const { emergencyMinutes, urgentMinutes, normalMinutes } = event.data;
        return { status: 'tuned', deadlines: { emergencyMinutes, urgentMinutes, normalMinutes } };
      }
      default:
        return assertNever(event.type, 'pod matching settings event');
    }
  },
};

function sameDeadlines(a: EscalationDeadlines, b: EscalationDeadlines): boolean {
  return a.emergencyMinutes === b.emergencyMinutes && a.urgentMinutes === b.urgentMinutes && a.normalMinutes === b.normalMinutes;
}
