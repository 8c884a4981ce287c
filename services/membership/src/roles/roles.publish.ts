import {
  CoordinatorGapAlertedV1,
  RoleEndedV1,
  RoleGrantedV1,
  RoleLapsedV1,
  RoleTermEndingV1,
} from '@mutuo/contracts';
import type { PendingEvent } from '@mutuo/event-store';
import type { IntegrationEventMapping } from '@mutuo/messaging';
import type { PodRolesEvent } from '../domain/pod-roles.decider';

/**
 * Which role events other services hear about. Policy changes stay inside membership; a renewal is
 * published as the grant of the next term, so holders and term ends can be tracked from grants and ends alone.
 */
export function publishRoleEvent(event: PendingEvent): IntegrationEventMapping | null {
  const known = event as unknown as PodRolesEvent;
  switch (known.type) {
    case 'RoleGranted': {
      const { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via } = known.data;
      return { contract: RoleGrantedV1, data: { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via } };
    }
    case 'RoleTermRenewed': {
      const { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms } = known.data;
      return { contract: RoleGrantedV1, data: { podId, termId, memberId, role, termStart, termEnd, consecutiveTerms, via: 'renewal' } };
    }
    case 'RoleTermEndingWarned': {
      const { podId, termId, memberId, role, termEnd, renewable } = known.data;
      return { contract: RoleTermEndingV1, data: { podId, termId, memberId, role, termEnd, renewable } };
    }
    case 'RoleLapsed': {
      const { podId, termId, memberId, role, endedAt } = known.data;
      return { contract: RoleLapsedV1, data: { podId, termId, memberId, role, endedAt } };
    }
    case 'RoleSteppedDown': {
      const { podId, termId, memberId, role, endedAt } = known.data;
      return { contract: RoleEndedV1, data: { podId, termId, memberId, role, endedAt, reason: 'stepped-down', handedOverTo: null } };
    }
    case 'RoleHandedOver': {
      const { podId, termId, fromMemberId, toMemberId, role, endedAt } = known.data;
      return { contract: RoleEndedV1, data: { podId, termId, memberId: fromMemberId, role, endedAt, reason: 'handed-over', handedOverTo: toMemberId } };
    }
    case 'CoordinatorGapAlerted': {
      const { podId, memberId, termId, reason, graceUntil } = known.data;
      return { contract: CoordinatorGapAlertedV1, data: { podId, lastCoordinatorMemberId: memberId, termId, reason, graceUntil } };
    }
    default:
      return null;
  }
}
