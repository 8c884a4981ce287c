import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * A pod's phone tree: an ordered call-down list read as a tree with `fanOut` branches per person (level order:
 * the first `fanOut` people are called by the system, person i's branch is the `fanOut` people at
 * (i + 1) × fanOut onwards). In an emergency everyone called is asked to acknowledge; who acknowledges is asked
 * to reach their branch. Someone who does not acknowledge within the timeout is marked missed and the call passes
 * on: the system calls the people of their branch directly, so no branch stays silent.
 */
export interface PhoneTreeSetup {
  readonly podId: string;
  readonly memberIds: readonly string[];
  readonly fanOut: number;
  readonly ackTimeoutMinutes: number;
}

export type CallStatus = 'waiting' | 'called' | 'acknowledged' | 'missed';

export interface CallState {
  readonly memberId: string;
  readonly status: CallStatus;
  /** `system` or the member who is to call them. */
  readonly calledBy: string | null;
  readonly deadline: string | null;
  readonly acknowledgedAt: string | null;
}

interface Configured extends PhoneTreeSetup {
  readonly updatedAt: string;
}

export type PhoneTreeState =
  | { readonly status: 'none' }
  | (Configured & { readonly status: 'ready' })
  | (Configured & {
      readonly status: 'active';
      readonly activationId: string;
      readonly reason: string;
      readonly activatedAt: string;
      readonly calls: readonly CallState[];
    });

/** `activeMemberIds`: which of the listed members are active members of the pod (the handler asks the directory). */
export type SetUpPhoneTree = Command<'SetUpPhoneTree', PhoneTreeSetup & { readonly activeMemberIds: readonly string[] }>;
export type ActivatePhoneTree = Command<'ActivatePhoneTree', { activationId: string; reason: string }>;
export type AcknowledgePhoneTreeCall = Command<'AcknowledgePhoneTreeCall', { memberId: string }>;
export type EscalateMissedCalls = Command<'EscalateMissedCalls', Record<string, never>>;
export type ClosePhoneTree = Command<'ClosePhoneTree', Record<string, never>>;
export type PhoneTreeCommand = SetUpPhoneTree | ActivatePhoneTree | AcknowledgePhoneTreeCall | EscalateMissedCalls | ClosePhoneTree;

/** Someone the system calls now, with the time they have to acknowledge. */
export interface SystemCall {
  readonly memberId: string;
  readonly deadline: string;
  readonly branchSize: number;
}

export type PhoneTreeSetUp = DomainEvent<'PhoneTreeSetUp', PhoneTreeSetup & { updatedAt: string }>;
export type PhoneTreeActivated = DomainEvent<
  'PhoneTreeActivated',
  { podId: string; activationId: string; reason: string; activatedAt: string; systemCalls: SystemCall[] }
>;
export type PhoneTreeCallAcknowledged = DomainEvent<
  'PhoneTreeCallAcknowledged',
  {
    podId: string;
    activationId: string;
    memberId: string;
    at: string;
    /** The branch this member now calls, and by when they should confirm. */ branch: SystemCall[];
  }
>;
export type PhoneTreeCallMissed = DomainEvent<
  'PhoneTreeCallMissed',
  { podId: string; activationId: string; memberId: string; at: string; systemCalls: SystemCall[] }
>;
export type PhoneTreeClosed = DomainEvent<'PhoneTreeClosed', { podId: string; activationId: string; at: string }>;
export type PhoneTreeEvent = PhoneTreeSetUp | PhoneTreeActivated | PhoneTreeCallAcknowledged | PhoneTreeCallMissed | PhoneTreeClosed;

export function branchOf(index: number, size: number, fanOut: number): number[] {
  const first = (index + 1) * fanOut;
  return Array.from({ length: fanOut }, (_, offset) => first + offset).filter((child) => child < size);
}

function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

function validateSetup(setup: PhoneTreeSetup, activeMemberIds: ReadonlySet<string>): void {
  if (setup.memberIds.length === 0) throw new DomainRuleViolation('INVALID_PHONE_TREE', 'List at least one member', 'memberIds');
  if (setup.memberIds.length > 500) throw new DomainRuleViolation('INVALID_PHONE_TREE', 'A phone tree has at most 500 people', 'memberIds');
  setup.memberIds.forEach((memberId, index) => {
    if (setup.memberIds.indexOf(memberId) !== index) throw new DomainRuleViolation('INVALID_PHONE_TREE', 'Each person appears once', `memberIds.${index}`);
    // Calls go only to people of this pod: another pod's member (or someone who left) is not the dispatcher's to call.
    if (!activeMemberIds.has(memberId))
      throw new DomainRuleViolation('NOT_A_POD_MEMBER', 'Only active members of your pod can be in its phone tree', `memberIds.${index}`);
  });
  if (!Number.isInteger(setup.fanOut) || setup.fanOut < 1 || setup.fanOut > 10)
    throw new DomainRuleViolation('INVALID_PHONE_TREE', 'Each person calls 1 to 10 others', 'fanOut');
  if (!Number.isInteger(setup.ackTimeoutMinutes) || setup.ackTimeoutMinutes < 1 || setup.ackTimeoutMinutes > 240) {
    throw new DomainRuleViolation('INVALID_PHONE_TREE', 'The timeout is 1 to 240 minutes', 'ackTimeoutMinutes');
  }
}

export const phoneTreeDecider: Decider<PhoneTreeState, PhoneTreeCommand, PhoneTreeEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'SetUpPhoneTree': {
        const { activeMemberIds, ...setup } = command.data;
        validateSetup(setup, new Set(activeMemberIds));
        if (state.status === 'active') throw new DomainRuleViolation('PHONE_TREE_ACTIVE', 'Close the active phone tree before changing it', 'memberIds');
        return [{ type: 'PhoneTreeSetUp', data: { ...setup, updatedAt: now }, metadata }];
      }
      case 'ActivatePhoneTree': {
        if (state.status === 'none') throw new DomainRuleViolation('PHONE_TREE_NOT_SET_UP', 'Set up the phone tree first', 'podId');
        if (state.status === 'active') return state.activationId === command.data.activationId ? [] : [];
        const size = state.memberIds.length;
        const deadline = plusMinutes(now, state.ackTimeoutMinutes);
        const systemCalls = state.memberIds
          .slice(0, state.fanOut)
          .map((memberId, index) => ({ memberId, deadline, branchSize: branchOf(index, size, state.fanOut).length }));
        return [
          {
            type: 'PhoneTreeActivated',
            data: { podId: state.podId, activationId: command.data.activationId, reason: command.data.reason, activatedAt: now, systemCalls },
            metadata,
          },
        ];
      }
      case 'AcknowledgePhoneTreeCall': {
        if (state.status !== 'active') throw new DomainRuleViolation('PHONE_TREE_NOT_ACTIVE', 'The phone tree is not active', 'podId');
        const index = state.calls.findIndex((call) => call.memberId === command.data.memberId);
        const call = state.calls[index];
        if (!call) throw new DomainRuleViolation('NOT_IN_PHONE_TREE', 'You are not in this phone tree', 'memberId');
        if (call.status === 'acknowledged') return [];
        const deadline = plusMinutes(now, state.ackTimeoutMinutes);
        // Branch members already reached some other way (called by the system after a miss) keep their state.
        const branch = branchOf(index, state.calls.length, state.fanOut)
          .filter((child) => state.calls[child]!.status === 'waiting')
          .map((child) => ({ memberId: state.calls[child]!.memberId, deadline, branchSize: branchOf(child, state.calls.length, state.fanOut).length }));
        return [
          {
            type: 'PhoneTreeCallAcknowledged',
            data: { podId: state.podId, activationId: state.activationId, memberId: call.memberId, at: now, branch },
            metadata,
          },
        ];
      }
      case 'EscalateMissedCalls': {
        if (state.status !== 'active') return [];
        const events: PhoneTreeEvent[] = [];
        let calls = state.calls;
        for (let index = 0; index < calls.length; index++) {
          const call = calls[index]!;
          if (call.status !== 'called' || call.deadline === null || call.deadline > now) continue;
          const deadline = plusMinutes(now, state.ackTimeoutMinutes);
          const systemCalls = branchOf(index, calls.length, state.fanOut)
            .filter((child) => calls[child]!.status === 'waiting' || calls[child]!.status === 'called')
            .map((child) => ({ memberId: calls[child]!.memberId, deadline, branchSize: branchOf(child, calls.length, state.fanOut).length }));
          const missed: PhoneTreeCallMissed = {
            type: 'PhoneTreeCallMissed',
            data: { podId: state.podId, activationId: state.activationId, memberId: call.memberId, at: now, systemCalls },
            metadata,
          };
          events.push(missed);
          calls = applyMissed(calls, missed);
        }
        return events;
      }
      case 'ClosePhoneTree':
        if (state.status !== 'active') return [];
        return [{ type: 'PhoneTreeClosed', data: { podId: state.podId, activationId: state.activationId, at: now }, metadata }];
      default:
        return assertNever(command, 'phone tree command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PhoneTreeSetUp':
        return {
          status: 'ready',
          podId: event.data.podId,
          memberIds: event.data.memberIds,
          fanOut: event.data.fanOut,
          ackTimeoutMinutes: event.data.ackTimeoutMinutes,
          updatedAt: event.data.updatedAt,
        };
      case 'PhoneTreeActivated': {
        if (state.status !== 'ready') return state;
        const calls = state.memberIds.map((memberId): CallState => {
          const systemCall = event.data.systemCalls.find((call) => call.memberId === memberId);
          return systemCall
            ? { memberId, status: 'called', calledBy: 'system', deadline: systemCall.deadline, acknowledgedAt: null }
            : { memberId, status: 'waiting', calledBy: null, deadline: null, acknowledgedAt: null };
        });
        return { ...state, status: 'active', activationId: event.data.activationId, reason: event.data.reason, activatedAt: event.data.activatedAt, calls };
      }
      case 'PhoneTreeCallAcknowledged': {
        if (state.status !== 'active') return state;
        const calls = state.calls.map((call): CallState => {
          if (call.memberId === event.data.memberId) return { ...call, status: 'acknowledged', acknowledgedAt: event.data.at, deadline: null };
          const assigned = event.data.branch.find((branchCall) => branchCall.memberId === call.memberId);
          return assigned ? { ...call, status: 'called', calledBy: event.data.memberId, deadline: assigned.deadline } : call;
        });
        return { ...state, calls };
      }
      case 'PhoneTreeCallMissed':
        return state.status === 'active' ? { ...state, calls: applyMissed(state.calls, event) } : state;
      case 'PhoneTreeClosed':
        if (state.status !== 'active') return state;
        return {
          status: 'ready',
          podId: state.podId,
          memberIds: state.memberIds,
          fanOut: state.fanOut,
          ackTimeoutMinutes: state.ackTimeoutMinutes,
          updatedAt: state.updatedAt,
        };
      default:
        return assertNever(event, 'phone tree event');
    }
  },
};

function applyMissed(calls: readonly CallState[], event: PhoneTreeCallMissed): CallState[] {
  return calls.map((call): CallState => {
    if (call.memberId === event.data.memberId) return { ...call, status: 'missed', deadline: null };
    const escalated = event.data.systemCalls.find((systemCall) => systemCall.memberId === call.memberId);
    return escalated ? { ...call, status: 'called', calledBy: 'system', deadline: escalated.deadline } : call;
  });
}
