import { CoordinatorGapAlertedV1, RoleEndedV1, RoleGrantedV1, RoleLapsedV1, RoleTermEndingV1 } from '@mutuo/contracts';
import { definePublication } from '@mutuo/messaging';
import type { PodRolesEvent } from '../domain/pod-roles.decider';

/**
 * Which role events other services hear about. Policy changes stay inside membership; a renewal is
 * published as the grant of the next term, so holders and term ends can be tracked from grants and ends alone.
 */
export const publishRoleEvent = definePublication<PodRolesEvent>({
  RoleGranted: (event) => {
    const { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via } = event.data;
    return { contract: RoleGrantedV1, data: { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via } };
  },
  RoleTermRenewed: (event) => {
    const { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms } = event.data;
    return { contract: RoleGrantedV1, data: { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via: 'renewal' } };
  },
  RoleTermEndingWarned: (event) => {
    const { podId, termId, memberId, role, termEnd, renewable } = event.data;
    return { contract: RoleTermEndingV1, data: { podId, termId, memberId, role, termEnd, renewable } };
  },
  RoleLapsed: (event) => {
    const { podId, termId, memberId, role, endedAt } = event.data;
    return { contract: RoleLapsedV1, data: { podId, termId, memberId, role, endedAt } };
  },
  RoleSteppedDown: (event) => {
    const { podId, termId, memberId, role, endedAt } = event.data;
    return { contract: RoleEndedV1, data: { podId, termId, memberId, role, endedAt, reason: 'stepped-down', handedOverTo: null } };
  },
  RoleHandedOver: (event) => {
    const { podId, termId, fromMemberId, toMemberId, role, endedAt } = event.data;
    return { contract: RoleEndedV1, data: { podId, termId, memberId: fromMemberId, role, endedAt, reason: 'handed-over', handedOverTo: toMemberId } };
  },
  CoordinatorGapAlerted: (event) => {
    const { podId, memberId, termId, reason, graceUntil } = event.data;
    return { contract: CoordinatorGapAlertedV1, data: { podId, lastCoordinatorMemberId: memberId, termId, reason, graceUntil } };
  },
});
