import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { MemberJoined } from './member.decider';
import { memberBoundariesDecider, type Boundaries, type BoundariesSet, type SetBoundaries } from './member-boundaries.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const memberId = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId };

const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventMetadata,
};
const boundaries: Boundaries = {
  availability: [{ rrule: 'RRULE:FREQ=WEEKLY;BYDAY=WE,MO;BYHOUR=18;BYMINUTE=30', durationMinutes: 120 }],
  weeklyCapacityHours: 4.5,
  quietHours: { start: '22:00', end: '07:30' },
  timezone: 'Europe/Lisbon',
};
const set = (changes: Partial<Boundaries> = {}): SetBoundaries => ({ type: 'SetBoundaries', data: { ...boundaries, ...changes }, metadata });
const boundariesSet: BoundariesSet = {
  type: 'BoundariesSet',
  data: {
    memberId,
    podId,
    availability: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=18;BYMINUTE=30', durationMinutes: 120 }],
    weeklyCapacityHours: 4.5,
    quietHours: { start: '22:00', end: '07:30' },
    timezone: 'Europe/Lisbon',
  },
  metadata: eventMetadata,
};

describe('member boundaries', () => {
  it('given a member, when they set their boundaries, then the windows are kept as canonical weekly rules', () => {
    spec(memberBoundariesDecider).given([joined]).when(set()).then([boundariesSet]);
  });

  it('given boundaries, when the same ones are set again (in another spelling), then nothing happens', () => {
    spec(memberBoundariesDecider)
      .given([joined, boundariesSet])
      .when(set({ availability: [{ rrule: 'FREQ=WEEKLY;BYHOUR=18;BYMINUTE=30;BYDAY=MO,WE', durationMinutes: 120 }] }))
      .then([]);
  });

  it('accepts a member who gives no time at all right now, and no quiet hours', () => {
    spec(memberBoundariesDecider)
      .given([joined, boundariesSet])
      .when(set({ availability: [], weeklyCapacityHours: 0, quietHours: null }))
      .then([{ ...boundariesSet, data: { ...boundariesSet.data, availability: [], weeklyCapacityHours: 0, quietHours: null } }]);
  });

  it.each<[string, Partial<Boundaries>, string, string]>([
    ['a capacity below zero', { weeklyCapacityHours: -1 }, 'INVALID_CAPACITY', 'weeklyCapacityHours'],
    ['more hours than a week has', { weeklyCapacityHours: 168.5 }, 'INVALID_CAPACITY', 'weeklyCapacityHours'],
    ['a capacity in quarter hours', { weeklyCapacityHours: 2.25 }, 'INVALID_CAPACITY', 'weeklyCapacityHours'],
    ['a daily rule', { availability: [{ rrule: 'FREQ=DAILY;BYHOUR=9', durationMinutes: 60 }] }, 'INVALID_RRULE', 'availability[0].rrule'],
    ['a rule that ends', { availability: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;COUNT=3', durationMinutes: 60 }] }, 'INVALID_RRULE', 'availability[0].rrule'],
    [
      'a window shorter than 15 minutes',
      { availability: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9', durationMinutes: 5 }] },
      'INVALID_WINDOW_DURATION',
      'availability[0].durationMinutes',
    ],
    ['an unknown time zone', { timezone: 'Europe/Atlantis' }, 'INVALID_TIMEZONE', 'timezone'],
    ['quiet hours that are not HH:MM', { quietHours: { start: '7pm', end: '07:00' } }, 'INVALID_QUIET_HOURS', 'quietHours.start'],
    ['quiet hours that end when they start', { quietHours: { start: '22:00', end: '22:00' } }, 'INVALID_QUIET_HOURS', 'quietHours.end'],
  ])('refuses %s, naming the field', (_case, changes, code, field) => {
    const error = spec(memberBoundariesDecider).given([joined]).when(set(changes)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code, field });
  });

  it('names the window at fault among several', () => {
    const error = spec(memberBoundariesDecider)
      .given([joined])
      .when(set({ availability: [boundaries.availability[0]!, { rrule: 'FREQ=WEEKLY;BYDAY=XX;BYHOUR=9', durationMinutes: 60 }] }))
      .thenThrows(DomainRuleViolation, /BYDAY "XX"/);
    expect(error).toMatchObject({ field: 'availability[1].rrule' });
  });

  it('refuses someone who has not joined', () => {
    spec(memberBoundariesDecider)
      .given([])
      .when(set())
      .thenThrows(DomainRuleViolation, /Join the pod/);
  });
});
