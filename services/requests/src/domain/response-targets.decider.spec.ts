import { DomainRuleViolation, spec } from '@mutuo/domain';
import { DEFAULT_RESPONSE_TARGETS, type Actor } from './help-facts';
import { responseTargetsDecider, type ResponseTargetsEvent, type SetResponseTargets } from './response-targets.decider';

const NOW = '2026-11-25T09:00:00.000Z';
const coordinator: Actor = { memberId: 'member-cora', roles: ['coordinator'] };
const set = (targets: object, actor: Actor = coordinator): SetResponseTargets => ({
  type: 'SetResponseTargets',
  data: { podId: 'pod-1', targets: { ...DEFAULT_RESPONSE_TARGETS, ...targets }, actor },
  metadata: { now: NOW, actorId: 'person-cora', podId: 'pod-1' },
});
const tuned: ResponseTargetsEvent = {
  type: 'ResponseTargetsSet',
  data: { podId: 'pod-1', targets: { emergency: 2, urgent: 12, normal: 168 }, setByMemberId: 'member-cora', setAt: NOW },
  metadata: { occurredAt: NOW, actorId: 'person-cora', podId: 'pod-1' },
};
const refused = (cmd: SetResponseTargets, code: string, field: string) => {
  const error = spec(responseTargetsDecider).given([]).when(cmd).thenThrows(DomainRuleViolation) as DomainRuleViolation;
  expect([error.code, error.field]).toEqual([code, field]);
};

describe('response targets of a pod', () => {
  it('given the defaults (4 h, 24 h, a week), when a coordinator tunes them, then the pod has its own', () => {
    expect(spec(responseTargetsDecider).given([]).state()).toEqual({ status: 'default', targets: { emergency: 4, urgent: 24, normal: 168 } });
    spec(responseTargetsDecider)
      .given([])
      .when(set({ emergency: 2, urgent: 12 }))
      .then([tuned]);
    expect(spec(responseTargetsDecider).given([tuned]).state()).toEqual({ status: 'tuned', targets: { emergency: 2, urgent: 12, normal: 168 } });
  });

  it('given tuned targets, when set to the same again, then nothing happens', () => {
    spec(responseTargetsDecider)
      .given([tuned])
      .when(set({ emergency: 2, urgent: 12 }))
      .then([]);
  });

  it('given nothing, when a member tunes them, then it is refused', () => {
    refused(set({ emergency: 2 }, { memberId: 'member-ana', roles: ['member'] }), 'NOT_ALLOWED', 'targets');
  });

  it.each([
    [{ emergency: 0 }, 'emergencyHours'],
    [{ normal: 1000 }, 'normalHours'],
    [{ urgent: 1.5 }, 'urgentHours'],
    [{ emergency: 30 }, 'emergencyHours'],
    [{ urgent: 200 }, 'urgentHours'],
  ])('given nothing, when targets are %j, then it is refused naming %s', (targets, field) => {
    refused(set(targets), 'INVALID_RESPONSE_TARGET', field);
  });
});
