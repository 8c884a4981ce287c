import { DomainRuleViolation, spec } from '@mutuo/domain';
import { branchOf, phoneTreeDecider, type PhoneTreeEvent } from './phone-tree.decider';

const at = (time: string) => `2026-11-26T${time}:00.000Z`;
const metadataAt = (time: string) => ({ now: at(time), actorId: 'person-dispatcher', podId: 'pod-1' });
const eventMetadata = (time: string) => ({ occurredAt: at(time), actorId: 'person-dispatcher', podId: 'pod-1' });
const people = ['ana', 'bo', 'cy', 'dee', 'eli', 'fay', 'gus'];

const setUp: PhoneTreeEvent = {
  type: 'PhoneTreeSetUp',
  data: { podId: 'pod-1', memberIds: people, fanOut: 2, ackTimeoutMinutes: 10, updatedAt: at('08:00') },
  metadata: eventMetadata('08:00'),
};
const activated: PhoneTreeEvent = {
  type: 'PhoneTreeActivated',
  data: {
    podId: 'pod-1',
    activationId: 'act-1',
    reason: 'Flood',
    activatedAt: at('09:00'),
    systemCalls: [
      { memberId: 'ana', deadline: at('09:10'), branchSize: 2 },
      { memberId: 'bo', deadline: at('09:10'), branchSize: 2 },
    ],
  },
  metadata: eventMetadata('09:00'),
};

describe('phone tree', () => {
  it('reads the list as a tree: the first two are called by the system, each calls the next two', () => {
    expect(branchOf(0, 7, 2)).toEqual([2, 3]);
    expect(branchOf(1, 7, 2)).toEqual([4, 5]);
    expect(branchOf(2, 7, 2)).toEqual([6]);
  });

  it('given a set-up tree, when the dispatcher activates it, then the first people are called with a deadline', () => {
    spec(phoneTreeDecider)
      .given([setUp])
      .when({ type: 'ActivatePhoneTree', data: { activationId: 'act-1', reason: 'Flood' }, metadata: metadataAt('09:00') })
      .then([activated]);
  });

  it('given an active tree, when someone acknowledges, then they are asked to reach their branch', () => {
    spec(phoneTreeDecider)
      .given([setUp, activated])
      .when({ type: 'AcknowledgePhoneTreeCall', data: { memberId: 'ana' }, metadata: { ...metadataAt('09:03'), actorId: 'person-ana' } })
      .then([
        {
          type: 'PhoneTreeCallAcknowledged',
          data: {
            podId: 'pod-1',
            activationId: 'act-1',
            memberId: 'ana',
            at: at('09:03'),
            branch: [
              { memberId: 'cy', deadline: at('09:13'), branchSize: 1 },
              { memberId: 'dee', deadline: at('09:13'), branchSize: 0 },
            ],
          },
          metadata: { ...eventMetadata('09:03'), actorId: 'person-ana' },
        },
      ]);
  });

  it('given someone who did not acknowledge in time, when the timeout passes, then their branch is called directly', () => {
    const acknowledged: PhoneTreeEvent = {
      type: 'PhoneTreeCallAcknowledged',
      data: {
        podId: 'pod-1',
        activationId: 'act-1',
        memberId: 'ana',
        at: at('09:03'),
        branch: [
          { memberId: 'cy', deadline: at('09:13'), branchSize: 1 },
          { memberId: 'dee', deadline: at('09:13'), branchSize: 0 },
        ],
      },
      metadata: eventMetadata('09:03'),
    };
    const given = spec(phoneTreeDecider).given([setUp, activated, acknowledged]);
    given.when({ type: 'EscalateMissedCalls', data: {}, metadata: metadataAt('09:09') }).then([]);
    given.when({ type: 'EscalateMissedCalls', data: {}, metadata: metadataAt('09:10') }).then([
      {
        type: 'PhoneTreeCallMissed',
        data: {
          podId: 'pod-1',
          activationId: 'act-1',
          memberId: 'bo',
          at: at('09:10'),
          systemCalls: [
            { memberId: 'eli', deadline: at('09:20'), branchSize: 0 },
            { memberId: 'fay', deadline: at('09:20'), branchSize: 0 },
          ],
        },
        metadata: eventMetadata('09:10'),
      },
    ]);
    const state = spec(phoneTreeDecider)
      .given([
        setUp,
        activated,
        acknowledged,
        {
          type: 'PhoneTreeCallMissed',
          data: {
            podId: 'pod-1',
            activationId: 'act-1',
            memberId: 'bo',
            at: at('09:10'),
            systemCalls: [
              { memberId: 'eli', deadline: at('09:20'), branchSize: 0 },
              { memberId: 'fay', deadline: at('09:20'), branchSize: 0 },
            ],
          },
          metadata: eventMetadata('09:10'),
        },
      ])
      .state();
    expect(state.status === 'active' && state.calls.map((call) => `${call.memberId}:${call.status}:${call.calledBy ?? '-'}`)).toEqual([
      'ana:acknowledged:system',
      'bo:missed:system',
      'cy:called:ana',
      'dee:called:ana',
      'eli:called:system',
      'fay:called:system',
      'gus:waiting:-',
    ]);
  });

  it('refuses a list naming someone twice, naming the entry', () => {
    spec(phoneTreeDecider)
      .given([])
      .when({
        type: 'SetUpPhoneTree',
        data: { podId: 'pod-1', memberIds: ['ana', 'bo', 'ana'], fanOut: 2, ackTimeoutMinutes: 10, activeMemberIds: ['ana', 'bo'] },
        metadata: metadataAt('08:00'),
      })
      .thenThrows(DomainRuleViolation, /once/);
  });

  it('sets up a tree of active pod members, recording no more than the setup', () => {
    spec(phoneTreeDecider)
      .given([])
      .when({
        type: 'SetUpPhoneTree',
        data: { podId: 'pod-1', memberIds: ['ana', 'bo'], fanOut: 2, ackTimeoutMinutes: 10, activeMemberIds: ['bo', 'ana'] },
        metadata: metadataAt('08:00'),
      })
      .then([
        {
          type: 'PhoneTreeSetUp',
          data: { podId: 'pod-1', memberIds: ['ana', 'bo'], fanOut: 2, ackTimeoutMinutes: 10, updatedAt: at('08:00') },
          metadata: eventMetadata('08:00'),
        },
      ]);
  });

  it('refuses someone who is not an active member of the pod, naming the entry', () => {
    let refusal: unknown;
    try {
      phoneTreeDecider.decide(
        {
          type: 'SetUpPhoneTree',
          data: { podId: 'pod-1', memberIds: ['ana', 'other-pod-member'], fanOut: 2, ackTimeoutMinutes: 10, activeMemberIds: ['ana'] },
          metadata: metadataAt('08:00'),
        },
        phoneTreeDecider.initialState(),
      );
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainRuleViolation);
    expect(refusal).toMatchObject({ code: 'NOT_A_POD_MEMBER', field: 'memberIds.1' });
  });
});
