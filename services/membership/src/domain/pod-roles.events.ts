import type { DomainEvent } from '@mutuo/domain';
import type { RolePolicy } from './pod-roles.state';

/** What happened to a pod's roles, as recorded on its stream and published to the other services. */

export type GrantSource = 'grant' | 'bootstrap' | 'handover';
export type CoordinatorGapReason = 'term-ended' | 'grace-ended' | 'stepped-down';

export type RolePolicySet = DomainEvent<'RolePolicySet', { podId: string } & RolePolicy>;
export type RoleGranted = DomainEvent<
  'RoleGranted',
  {
    podId: string;
    termId: string;
    memberId: string;
    role: string;
    termStart: string;
    termEnd: string;
    warnFrom: string;
    consecutiveTerms: number;
    via: GrantSource;
    /** The previous holder, for a handover. */
    fromMemberId: string | null;
  }
>;
export type RoleTermRenewed = DomainEvent<
  'RoleTermRenewed',
  {
    podId: string;
    termId: string;
    previousTermId: string;
    memberId: string;
    role: string;
    termStart: string;
    termEnd: string;
    warnFrom: string;
    consecutiveTerms: number;
  }
>;
export type RoleHandedOver = DomainEvent<
  'RoleHandedOver',
  { podId: string; role: string; termId: string; fromMemberId: string; toMemberId: string; endedAt: string }
>;
export type RoleSteppedDown = DomainEvent<'RoleSteppedDown', { podId: string; role: string; termId: string; memberId: string; endedAt: string }>;
export type RoleTermEndingWarned = DomainEvent<
  'RoleTermEndingWarned',
  { podId: string; role: string; termId: string; memberId: string; termEnd: string; renewable: boolean }
>;
export type RoleLapsed = DomainEvent<'RoleLapsed', { podId: string; role: string; termId: string; memberId: string; endedAt: string }>;
export type CoordinatorGapAlerted = DomainEvent<
  'CoordinatorGapAlerted',
  {
    podId: string;
    /** The coordinator whose term ended (or who stepped down) with nobody else holding the role. */
    memberId: string;
    termId: string;
    reason: CoordinatorGapReason;
    /** Until when they stay on; null when the pod is now without a coordinator. */
    graceUntil: string | null;
  }
>;

export type PodRolesEvent =
  RolePolicySet | RoleGranted | RoleTermRenewed | RoleHandedOver | RoleSteppedDown | RoleTermEndingWarned | RoleLapsed | CoordinatorGapAlerted;

export const POD_ROLES_EVENT_TYPES = [
  'RolePolicySet',
  'RoleGranted',
  'RoleTermRenewed',
  'RoleHandedOver',
  'RoleSteppedDown',
  'RoleTermEndingWarned',
  'RoleLapsed',
  'CoordinatorGapAlerted',
] as const satisfies readonly PodRolesEvent['type'][];
