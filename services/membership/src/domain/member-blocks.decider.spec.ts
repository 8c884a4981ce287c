import { DomainRuleViolation, spec } from '@mutuo/domain';
import { memberDecider, type JoinPod, type MemberJoined } from './member.decider';
import { memberBlocksDecider, type BlockMember, type MemberBlocked, type UnblockMember } from './member-blocks.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const ana = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const bo = '6b1d4b47-9f6f-5c8f-8b66-1f5d7d2e3c21';
const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId };

const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId: ana, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventMetadata,
};
const block = (blockedMemberId: string, blockedMemberExists = true): BlockMember => ({
  type: 'BlockMember',
  data: { blockedMemberId, blockedMemberExists },
  metadata,
});
const unblock = (blockedMemberId: string): UnblockMember => ({ type: 'UnblockMember', data: { blockedMemberId }, metadata });
const blocked: MemberBlocked = { type: 'MemberBlocked', data: { podId, blockerMemberId: ana, blockedMemberId: bo }, metadata: eventMetadata };

describe('member blocks', () => {
  it('given a member, when they block another member of the pod, then the pair is recorded', () => {
    spec(memberBlocksDecider).given([joined]).when(block(bo)).then([blocked]);
    expect(spec(memberBlocksDecider).given([joined, blocked]).state()).toMatchObject({ blocked: [bo] });
  });

  it('given a block, when it is repeated, then nothing new happens', () => {
    spec(memberBlocksDecider).given([joined, blocked]).when(block(bo)).then([]);
  });

  it('refuses to block yourself', () => {
    const error = spec(memberBlocksDecider)
      .given([joined])
      .when(block(ana))
      .thenThrows(DomainRuleViolation, /yourself/);
    expect(error).toMatchObject({ code: 'CANNOT_BLOCK_SELF', field: 'memberId' });
  });

  it('refuses to block someone who is not in the pod', () => {
    const error = spec(memberBlocksDecider).given([joined]).when(block(bo, false)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'MEMBER_NOT_FOUND', field: 'memberId' });
  });

  it('given a block, when it is lifted, then the pair is released; lifting it again changes nothing', () => {
    const unblocked = spec(memberBlocksDecider)
      .given([joined, blocked])
      .when(unblock(bo))
      .then([{ type: 'MemberUnblocked', data: { podId, blockerMemberId: ana, blockedMemberId: bo }, metadata: eventMetadata }]);
    spec(memberBlocksDecider)
      .given([joined, blocked, ...unblocked])
      .when(unblock(bo))
      .then([]);
  });

  it('lets the joining decider ignore block events on the same member stream', () => {
    const join: JoinPod = {
      type: 'JoinPod',
      data: { memberId: ana, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: '', podLanguages: ['pt'] },
      metadata,
    };
    spec(memberDecider)
      .given([joined, blocked as never])
      .when(join)
      .thenThrows(DomainRuleViolation, /already a member/);
  });
});
