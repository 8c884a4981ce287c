import { DomainRuleViolation, spec } from '@mutuo/domain';
import { memberDecider, type JoinPod, type MemberJoined } from './member.decider';
import { podDecider, type CreatePod, type PodCreated } from './pod.decider';
import { regionDecider, type CreateRegion } from './region.decider';

const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId: 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01' };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId: metadata.podId };

describe('region', () => {
  const create = (data: Partial<CreateRegion['data']> = {}): CreateRegion => ({
    type: 'CreateRegion',
    data: { regionId: 'r1', name: ' Lisbon ', slug: 'lisbon', ...data },
    metadata,
  });

  it('given nothing, when an operator creates a region, then it is created with a trimmed name', () => {
    spec(regionDecider)
      .given([])
      .when(create())
      .then([{ type: 'RegionCreated', data: { regionId: 'r1', name: 'Lisbon', slug: 'lisbon' }, metadata: eventMetadata }]);
  });

  it('given a region, when it is created again, then it is refused', () => {
    spec(regionDecider)
      .given([{ type: 'RegionCreated', data: { regionId: 'r1', name: 'Lisbon', slug: 'lisbon' }, metadata: eventMetadata }])
      .when(create())
      .thenThrows(DomainRuleViolation, /already exists/);
  });

  it('refuses a slug that cannot be used in URLs and subjects', () => {
    const error = spec(regionDecider)
      .given([])
      .when(create({ slug: 'Lisbon Centre' }))
      .thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ field: 'slug', code: 'INVALID_SLUG' });
  });
});

describe('pod', () => {
  const create = (data: Partial<CreatePod['data']> = {}): CreatePod => ({
    type: 'CreatePod',
    data: { podId: 'p1', regionId: 'r1', name: 'Arroios', languages: ['pt', 'en', 'pt'], timezone: 'Europe/Lisbon', regionExists: true, ...data },
    metadata,
  });
  const created: PodCreated = {
    type: 'PodCreated',
    data: { podId: 'p1', regionId: 'r1', name: 'Arroios', languages: ['pt', 'en'], timezone: 'Europe/Lisbon' },
    metadata: eventMetadata,
  };

  it('given a region, when a pod is created, then its languages are kept once each in order', () => {
    spec(podDecider).given([]).when(create()).then([created]);
  });

  it.each([
    [{ regionExists: false }, 'regionId'],
    [{ languages: [] }, 'languages'],
    [{ languages: ['portuguese'] }, 'languages'],
    [{ timezone: 'Lisbon' }, 'timezone'],
    [{ name: ' ' }, 'name'],
  ])('refuses %j, naming the field %s', (data, field) => {
    const error = spec(podDecider).given([]).when(create(data)).thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ field });
  });
});

describe('member', () => {
  const join = (data: Partial<JoinPod['data']> = {}): JoinPod => ({
    type: 'JoinPod',
    data: {
      memberId: 'm1',
      podId: 'p1',
      personId: 'person-ana',
      displayName: 'Ana',
      preferredLanguage: '',
      podLanguages: ['pt', 'en'],
      ...data,
    },
    metadata,
  });
  const joined: MemberJoined = {
    type: 'MemberJoined',
    data: { memberId: 'm1', podId: 'p1', personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
    metadata: eventMetadata,
  };

  it('given an existing pod, when a person joins without a language, then they hear from the pod in its first language', () => {
    spec(memberDecider).given([]).when(join()).then([joined]);
  });

  it('given a member, when they join again, then it is refused', () => {
    spec(memberDecider)
      .given([joined])
      .when(join())
      .thenThrows(DomainRuleViolation, /already a member/);
  });

  it('refuses to join a pod that does not exist', () => {
    const error = spec(memberDecider)
      .given([])
      .when(join({ podLanguages: [] }))
      .thenThrows(DomainRuleViolation);
    expect(error).toMatchObject({ code: 'POD_NOT_FOUND', field: 'podId' });
  });
});
