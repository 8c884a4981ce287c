import { spec } from '@mutuo/domain';
import { holds, podRolesDecider, type PodRolesEvent } from './pod-roles.decider';

const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'system:funds', podId: 'pod-1' };
const eventMetadata = { occurredAt: metadata.now, actorId: 'system:funds', podId: 'pod-1' };
const term = { podId: 'pod-1', termId: 'term-1', memberId: 'bo', role: 'treasurer' };
const held: PodRolesEvent = { type: 'PodRoleHeld', data: { ...term, role: 'treasurer' }, metadata: eventMetadata };

describe("funds' record of pod roles", () => {
  it('given no terms, when a treasurer term is granted, then the member holds the role; heard twice, it is recorded once', () => {
    spec(podRolesDecider).given([]).when({ type: 'RecordRoleHeld', data: term, metadata }).then([held]);
    spec(podRolesDecider).given([held]).when({ type: 'RecordRoleHeld', data: term, metadata }).then([]);
    expect(holds(spec(podRolesDecider).given([held]).state(), 'bo', 'treasurer')).toBe(true);
  });

  it('given a held term, when it lapses or ends, then the member no longer holds the role', () => {
    const ended: PodRolesEvent = { type: 'PodRoleEnded', data: { ...term, role: 'treasurer' }, metadata: eventMetadata };
    spec(podRolesDecider).given([held]).when({ type: 'RecordRoleEnded', data: term, metadata }).then([ended]);
    expect(holds(spec(podRolesDecider).given([held, ended]).state(), 'bo', 'treasurer')).toBe(false);
  });

  it('ignores roles that mean nothing to funds', () => {
    spec(podRolesDecider)
      .given([])
      .when({ type: 'RecordRoleHeld', data: { ...term, role: 'moderator' }, metadata })
      .then([]);
  });
});
