import { CoordinatorGapAlertedV1, RoleEndedV1, RoleGrantedV1, RoleLapsedV1, RoleTermEndingV1 } from './membership.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const otherMemberId = '5e6f7081-92a3-5bce-8f10-4b5c6d7e8f90';
const termId = '4d5e6f70-8192-4dbe-af30-4b5c6d7e8f90';

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('membership role contracts', () => {
  it('role-granted names the term, its dates, its place in a run of terms and how it came about', () => {
    const granted = {
      podId,
      termId,
      memberId,
      role: 'garden-keeper',
      termStart: '2026-01-05T09:00:00.000Z',
      termEnd: '2026-07-04T09:00:00.000Z',
      consecutiveTerms: 1,
      via: 'bootstrap',
    };
    expect(RoleGrantedV1.type).toBe('membership.role-granted.v1');
    expect(RoleGrantedV1.parse(granted)).toEqual({ ok: true, data: granted });
    expect(issuePaths(RoleGrantedV1.parse({ ...granted, role: 'Garden Keeper', consecutiveTerms: 0, via: 'coup' }))).toEqual([
      'role',
      'consecutiveTerms',
      'via',
    ]);
  });

  it('role-term-ending says when the term ends and whether it may be renewed', () => {
    const ending = { podId, termId, memberId, role: 'treasurer', termEnd: '2026-07-04T09:00:00.000Z', renewable: false };
    expect(RoleTermEndingV1.parse(ending).ok).toBe(true);
    expect(issuePaths(RoleTermEndingV1.parse({ ...ending, termEnd: 'soon', renewable: 'no' }))).toEqual(['termEnd', 'renewable']);
  });

  it('role-lapsed and role-ended say when and (for an early end) why a term ended', () => {
    expect(RoleLapsedV1.parse({ podId, termId, memberId, role: 'moderator', endedAt: '2026-07-04T09:00:00.000Z' }).ok).toBe(true);
    const handedOver = { podId, termId, memberId, role: 'moderator', endedAt: '2026-03-01T09:00:00Z', reason: 'handed-over', handedOverTo: otherMemberId };
    expect(RoleEndedV1.parse(handedOver).ok).toBe(true);
    expect(RoleEndedV1.parse({ ...handedOver, reason: 'stepped-down', handedOverTo: null }).ok).toBe(true);
    expect(issuePaths(RoleEndedV1.parse({ ...handedOver, reason: 'fired' }))).toEqual(['reason']);
  });

  it('coordinator-gap-alerted carries the grace period, or null when the pod has no coordinator now', () => {
    const alert = { podId, lastCoordinatorMemberId: memberId, termId, reason: 'term-ended', graceUntil: '2026-08-03T09:00:00.000Z' };
    expect(CoordinatorGapAlertedV1.type).toBe('membership.coordinator-gap-alerted.v1');
    expect(CoordinatorGapAlertedV1.parse(alert).ok).toBe(true);
    expect(CoordinatorGapAlertedV1.parse({ ...alert, reason: 'stepped-down', graceUntil: null }).ok).toBe(true);
    expect(issuePaths(CoordinatorGapAlertedV1.parse({ ...alert, graceUntil: undefined }))).toEqual(['graceUntil']);
  });
});
