import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { MemberJoined } from './member.decider';
import { memberPauseDecider, type ReturnFromPause, type SteppedBack, type StepBack } from './member-pause.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const memberId = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const on = { memberId, podId };

/** A controllable clock: every command says when it is handled. */
const at = (now: string, actorId = 'person-ana') => ({ now, actorId, podId });
const eventAt = (now: string, actorId = 'person-ana') => ({ occurredAt: now, actorId, podId });

const monday = '2026-11-23T09:00:00.000Z';
const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventAt('2026-11-01T10:00:00.000Z'),
};
const stepBack = (returnAt: string | null, now = monday): StepBack => ({ type: 'StepBack', data: { returnAt }, metadata: at(now) });
const returnFromPause = (now: string, automatic: boolean): ReturnFromPause => ({
  type: 'ReturnFromPause',
  data: { automatic },
  metadata: at(now, automatic ? 'system:membership' : 'person-ana'),
});
const steppedBackUntilDecember: SteppedBack = {
  type: 'SteppedBack',
  data: { ...on, pausedAt: monday, returnAt: '2026-12-01T00:00:00.000Z' },
  metadata: eventAt(monday),
};

describe('stepping back and returning', () => {
  it('given an active member, when they step back until a date, then they are paused until then (in UTC)', () => {
    spec(memberPauseDecider).given([joined]).when(stepBack('2026-12-01T01:00:00+01:00')).then([steppedBackUntilDecember]);
    expect(spec(memberPauseDecider).given([joined, steppedBackUntilDecember]).state()).toMatchObject({
      status: 'paused',
      returnAt: '2026-12-01T00:00:00.000Z',
    });
  });

  it('lets a member step back without a return date', () => {
    spec(memberPauseDecider)
      .given([joined])
      .when(stepBack(null))
      .then([{ type: 'SteppedBack', data: { ...on, pausedAt: monday, returnAt: null }, metadata: eventAt(monday) }]);
  });

  it('given a pause, when the member moves the return date, then the pause keeps its start', () => {
    const later = '2026-11-24T12:00:00.000Z';
    spec(memberPauseDecider)
      .given([joined, steppedBackUntilDecember])
      .when(stepBack('2026-12-15T00:00:00Z', later))
      .then([{ type: 'SteppedBack', data: { ...on, pausedAt: monday, returnAt: '2026-12-15T00:00:00.000Z' }, metadata: eventAt(later) }]);
    spec(memberPauseDecider).given([joined, steppedBackUntilDecember]).when(stepBack('2026-12-01T00:00:00Z', later)).then([]);
  });

  it.each([
    ['the past', '2026-11-23T08:59:59Z', /in the future/],
    ['the very moment of the command', monday, /in the future/],
    ['more than a year ahead', '2027-12-01T00:00:00Z', /at most 366 days/],
    ['a date without time and offset', '2026-12-01', /ISO-8601/],
    ['nonsense', 'next tuesday', /ISO-8601/],
  ])('refuses a return date in %s', (_case, returnAt, message) => {
    const error = spec(memberPauseDecider).given([joined]).when(stepBack(returnAt)).thenThrows(DomainRuleViolation, message);
    expect(error).toMatchObject({ code: 'INVALID_RETURN_DATE', field: 'returnAt' });
  });

  describe('automatic return', () => {
    it('given a pause until December, when the scheduler runs before the date, then nothing happens', () => {
      spec(memberPauseDecider).given([joined, steppedBackUntilDecember]).when(returnFromPause('2026-11-30T23:59:59.999Z', true)).then([]);
    });

    it('given a pause until December, when the scheduler runs on the date, then the member is active again', () => {
      const due = '2026-12-01T00:00:30.000Z';
      const returned = spec(memberPauseDecider)
        .given([joined, steppedBackUntilDecember])
        .when(returnFromPause(due, true))
        .then([{ type: 'Returned', data: { ...on, returnedAt: due, automatic: true }, metadata: eventAt(due, 'system:membership') }]);
      expect(
        spec(memberPauseDecider)
          .given([joined, steppedBackUntilDecember, ...returned])
          .state(),
      ).toMatchObject({ status: 'active' });
      // A second scheduler replica arriving late finds nothing to do.
      spec(memberPauseDecider)
        .given([joined, steppedBackUntilDecember, ...returned])
        .when(returnFromPause(due, true))
        .then([]);
    });

    it('never ends an open-ended pause on its own', () => {
      const open: SteppedBack = { ...steppedBackUntilDecember, data: { ...on, pausedAt: monday, returnAt: null } };
      spec(memberPauseDecider).given([joined, open]).when(returnFromPause('2030-01-01T00:00:00.000Z', true)).then([]);
    });
  });

  it('given a pause, when the member returns early, then they are active again; returning twice changes nothing', () => {
    const early = '2026-11-25T09:00:00.000Z';
    const returned = spec(memberPauseDecider)
      .given([joined, steppedBackUntilDecember])
      .when(returnFromPause(early, false))
      .then([{ type: 'Returned', data: { ...on, returnedAt: early, automatic: false }, metadata: eventAt(early) }]);
    spec(memberPauseDecider)
      .given([joined, steppedBackUntilDecember, ...returned])
      .when(returnFromPause(early, false))
      .then([]);
  });

  it('refuses someone who has not joined', () => {
    spec(memberPauseDecider)
      .given([])
      .when(stepBack(null))
      .thenThrows(DomainRuleViolation, /Join the pod/);
  });
});
