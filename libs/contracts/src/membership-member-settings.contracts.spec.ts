import { BoundariesChangedV1, MemberBlockedV1, MemberPausedV1, MemberReturnedV1, MemberUnblockedV1 } from './membership.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const otherMemberId = '4d5e6f70-8192-5dbe-af30-4b5c6d7e8f90';

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('member block contracts', () => {
  it('name the pod, who blocked and who was blocked', () => {
    const pair = { podId, blockerMemberId: memberId, blockedMemberId: otherMemberId };
    expect(MemberBlockedV1.type).toBe('membership.member-blocked.v1');
    expect(MemberUnblockedV1.type).toBe('membership.member-unblocked.v1');
    expect(MemberBlockedV1.parse(pair)).toEqual({ ok: true, data: pair });
    expect(issuePaths(MemberUnblockedV1.parse({ ...pair, blockedMemberId: 'bo' }))).toEqual(['blockedMemberId']);
  });
});

describe('boundaries-changed', () => {
  const changed = {
    memberId,
    podId,
    availability: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=18;BYMINUTE=30', durationMinutes: 120 }],
    weeklyCapacityHours: 4.5,
    quietHours: { start: '22:00', end: '07:00' },
    timezone: 'Europe/Lisbon',
  };

  it('carries canonical weekly windows, capacity in half hours, quiet hours and the zone they are in', () => {
    expect(BoundariesChangedV1.parse(changed)).toEqual({ ok: true, data: changed });
    expect(BoundariesChangedV1.parse({ ...changed, quietHours: null, availability: [] }).ok).toBe(true);
  });

  it('rejects a rule that is not canonical weekly, a negative or quarter-hour capacity and an unknown zone', () => {
    const invalid = {
      ...changed,
      availability: [{ rrule: 'FREQ=DAILY;BYHOUR=9', durationMinutes: 120 }],
      weeklyCapacityHours: -0.5,
      timezone: 'Mars/Olympus',
    };
    expect(issuePaths(BoundariesChangedV1.parse(invalid))).toEqual(['availability[0].rrule', 'weeklyCapacityHours', 'timezone']);
    expect(issuePaths(BoundariesChangedV1.parse({ ...changed, weeklyCapacityHours: 1.25 }))).toEqual(['weeklyCapacityHours']);
  });
});

describe('pause contracts', () => {
  it('member-paused has an optional return date', () => {
    const paused = { memberId, podId, pausedAt: '2026-11-23T09:00:00.000Z', returnAt: '2026-12-01T00:00:00.000Z' };
    expect(MemberPausedV1.parse(paused).ok).toBe(true);
    expect(MemberPausedV1.parse({ ...paused, returnAt: null }).ok).toBe(true);
    expect(issuePaths(MemberPausedV1.parse({ ...paused, returnAt: 'soon' }))).toEqual(['returnAt']);
  });

  it('member-returned says whether the return date brought them back', () => {
    expect(MemberReturnedV1.parse({ memberId, podId, returnedAt: '2026-12-01T00:00:30.000Z', automatic: true }).ok).toBe(true);
    expect(issuePaths(MemberReturnedV1.parse({ memberId, podId, returnedAt: '2026-12-01T00:00:30.000Z' }))).toEqual(['automatic']);
  });
});
