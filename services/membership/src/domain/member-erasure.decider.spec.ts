import { DomainRuleViolation, spec } from '@mutuo/domain';
import { memberErasureDecider, type EraseMember, type MemberErased } from './member-erasure.decider';
import type { MemberJoined, MemberLeft } from './member.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const memberId = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const on = { memberId, podId };

/** A controllable clock: every command says when it is handled, and who acts. */
const at = (now: string, actorId = 'person-ana') => ({ now, actorId, podId });
const eventAt = (now: string, actorId = 'person-ana') => ({ occurredAt: now, actorId, podId });

const joinedAt = '2026-11-01T10:00:00.000Z';
const leftAt = '2026-11-10T10:00:00.000Z';
const erasedAt = '2026-11-25T09:00:00.000Z';

const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventAt(joinedAt),
};
const left: MemberLeft = { type: 'MemberLeft', data: on, metadata: eventAt(leftAt) };
const erase = (requestedBy: 'member' | 'coordinator' = 'member', actorId = 'person-ana'): EraseMember => ({
  type: 'EraseMember',
  data: { requestedBy },
  metadata: at(erasedAt, actorId),
});
const erased = (requestedBy: 'member' | 'coordinator' = 'member', actorId = 'person-ana'): MemberErased => ({
  type: 'MemberErased',
  data: { ...on, personId: 'person-ana', erasedAt, requestedBy },
  metadata: eventAt(erasedAt, actorId),
});

describe('erasing a member', () => {
  it('given a current member, when they ask for erasure, then they leave the pod and are erased', () => {
    spec(memberErasureDecider)
      .given([joined])
      .when(erase())
      .then([{ type: 'MemberLeft', data: on, metadata: eventAt(erasedAt) }, erased()]);
  });

  it('given a member who left earlier, when they ask for erasure, then only the erasure is recorded', () => {
    spec(memberErasureDecider).given([joined, left]).when(erase()).then([erased()]);
  });

  it('given a member, when a coordinator erases them on their behalf, then the erasure says so and the coordinator is its actor', () => {
    spec(memberErasureDecider)
      .given([joined])
      .when(erase('coordinator', 'person-coordinator'))
      .then([{ type: 'MemberLeft', data: on, metadata: eventAt(erasedAt, 'person-coordinator') }, erased('coordinator', 'person-coordinator')]);
  });

  it('given an erased member, when erasure is asked again, then it is refused naming the member', () => {
    const error = spec(memberErasureDecider)
      .given([joined, { ...left, metadata: eventAt(erasedAt) }, erased()])
      .when(erase())
      .thenThrows(DomainRuleViolation, /already erased/);
    expect(error).toMatchObject({ code: 'ALREADY_ERASED', field: 'memberId' });
  });

  it('given nobody, when erasure is asked, then it is refused: there is nothing to erase', () => {
    const error = spec(memberErasureDecider)
      .given([])
      .when(erase())
      .thenThrows(DomainRuleViolation, /No member/);
    expect(error).toMatchObject({ code: 'MEMBER_NOT_FOUND', field: 'memberId' });
  });

  it('given an erased member who joins again, when they ask for erasure, then the new membership is erased too', () => {
    const rejoined: MemberJoined = { ...joined, data: { ...joined.data, displayName: 'Ana again' }, metadata: eventAt('2026-11-26T09:00:00.000Z') };
    const history = [joined, { ...left, metadata: eventAt(erasedAt) }, erased(), rejoined];
    expect(spec(memberErasureDecider).given(history).state()).toMatchObject({ status: 'present', member: { status: 'active' } });
    spec(memberErasureDecider)
      .given(history)
      .when(erase())
      .then([{ type: 'MemberLeft', data: on, metadata: eventAt(erasedAt) }, erased()]);
  });

  it('an erased member is a former member', () => {
    expect(
      spec(memberErasureDecider)
        .given([joined, { ...left, metadata: eventAt(erasedAt) }, erased()])
        .state(),
    ).toMatchObject({
      status: 'erased',
      erasedAt,
      member: { status: 'left' },
    });
  });
});
