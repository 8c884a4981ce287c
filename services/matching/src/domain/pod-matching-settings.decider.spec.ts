import { DomainRuleViolation, spec } from '@mutuo/domain';
import { podMatchingSettingsDecider, type PodMatchingSettingsCommand, type PodMatchingSettingsEvent } from './pod-matching-settings.decider';

const now = '2026-11-25T10:00:00.000Z';
const set = (emergencyMinutes: number, urgentMinutes: number, normalMinutes: number): PodMatchingSettingsCommand => ({
  type: 'SetEscalationDeadlines',
  data: { podId: 'pod-1', emergencyMinutes, urgentMinutes, normalMinutes },
  metadata: { now, actorId: 'person-coordinator', podId: 'pod-1' },
});
const wasSet = (emergencyMinutes: number, urgentMinutes: number, normalMinutes: number): PodMatchingSettingsEvent => ({
  type: 'EscalationDeadlinesSet',
  data: { podId: 'pod-1', emergencyMinutes, urgentMinutes, normalMinutes, setAt: now },
  metadata: { occurredAt: now, actorId: 'person-coordinator', podId: 'pod-1' },
});

describe('pod matching settings', () => {
  it('given the defaults, when a coordinator tunes the deadlines, then they are set', () => {
    spec(podMatchingSettingsDecider)
      .given([])
      .when(set(15, 120, 1440))
      .then([wasSet(15, 120, 1440)]);
  });

  it('given tuned deadlines, when the same ones are set again, then nothing changes', () => {
    spec(podMatchingSettingsDecider)
      .given([wasSet(15, 120, 1440)])
      .when(set(15, 120, 1440))
      .then([]);
  });

  it('refuses a deadline out of range, naming the field', () => {
    const error = spec(podMatchingSettingsDecider)
      .given([])
      .when(set(1, 120, 1440))
      .thenThrows(DomainRuleViolation, /emergencyMinutes/);
    expect((error as DomainRuleViolation).field).toBe('emergencyMinutes');
  });

  it('refuses an emergency deadline later than the urgent one', () => {
    spec(podMatchingSettingsDecider)
      .given([])
      .when(set(600, 120, 1440))
      .thenThrows(DomainRuleViolation, /more pressing urgency/);
  });
});
