import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import { DEFAULT_RESPONSE_TARGETS, isCoordinator, type Actor, type ResponseTargets } from './help-facts';

/** How soon a pod means to answer each urgency: the defaults until a coordinator tunes them. */
export type ResponseTargetsState =
  { readonly status: 'default'; readonly targets: ResponseTargets } | { readonly status: 'tuned'; readonly targets: ResponseTargets };

export type SetResponseTargets = Command<'SetResponseTargets', { podId: string; targets: ResponseTargets; actor: Actor }>;
export type ResponseTargetsCommand = SetResponseTargets;
export type ResponseTargetsSet = DomainEvent<'ResponseTargetsSet', { podId: string; targets: ResponseTargets; setByMemberId: string; setAt: string }>;
export type ResponseTargetsEvent = ResponseTargetsSet;

const MAX_HOURS = 720;

export const responseTargetsDecider: Decider<ResponseTargetsState, ResponseTargetsCommand, ResponseTargetsEvent> = {
  initialState: () => ({ status: 'default', targets: DEFAULT_RESPONSE_TARGETS }),

  decide(command, state) {
    switch (command.type) {
      case 'SetResponseTargets': {
        const { actor, targets, podId } = command.data;
        if (!isCoordinator(actor)) throw new DomainRuleViolation('NOT_ALLOWED', 'Only a coordinator may tune response targets', 'targets');
        for (const urgency of ['emergency', 'urgent', 'normal'] as const) {
          const hours = targets[urgency];
          if (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOURS) {
            throw new DomainRuleViolation('INVALID_RESPONSE_TARGET', `A target is a whole number of hours from 1 to ${MAX_HOURS}`, `${urgency}Hours`);
          }
        }
        if (targets.emergency > targets.urgent)
          throw new DomainRuleViolation('INVALID_RESPONSE_TARGET', 'An emergency cannot wait longer than an urgent need', 'emergencyHours');
        if (targets.urgent > targets.normal)
          throw new DomainRuleViolation('INVALID_RESPONSE_TARGET', 'An urgent need cannot wait longer than a normal one', 'urgentHours');
        const same = (['emergency', 'urgent', 'normal'] as const).every((urgency) => state.targets[urgency] === targets[urgency]);
        if (same) return [];
        return [
          {
            type: 'ResponseTargetsSet',
            data: {
              podId,
              targets: { emergency: targets.emergency, urgent: targets.urgent, normal: targets.normal },
              setByMemberId: actor.memberId,
              setAt: command.metadata.now,
            },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'response targets command');
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'ResponseTargetsSet':
        return { status: 'tuned', targets: event.data.targets };
      default:
        return assertNever(event.type, 'response targets event');
    }
  },
};
