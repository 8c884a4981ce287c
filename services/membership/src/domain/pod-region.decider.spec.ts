import { DomainRuleViolation, spec, type CommandMetadata } from '@mutuo/domain';
import { podDecider, type JoinRegion, type PodCreated, type PodJoinedRegion, type PodLeftRegion } from './pod.decider';

const podId = 'a1b2c3d4-0000-4000-8000-000000000001';
const [regionId, otherRegionId] = ['r0000000-0000-4000-8000-000000000001', 'r0000000-0000-4000-8000-000000000002'];
const at = '2026-12-07T10:00:00.000Z';
const metadata: CommandMetadata = { now: at, actorId: 'person-steward', podId, regionId: otherRegionId };
const eventMetadata = { occurredAt: at, actorId: 'person-steward', podId, regionId: otherRegionId };
const serviceArea = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [-9.14, 38.72],
      [-9.13, 38.72],
      [-9.13, 38.73],
      [-9.14, 38.72],
    ],
  ] as [number, number][][],
};

const created: PodCreated = {
  type: 'PodCreated',
  data: { podId, regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon', serviceArea },
  metadata: eventMetadata,
};
const left: PodLeftRegion = { type: 'PodLeftRegion', data: { podId, regionId, reason: null }, metadata: eventMetadata };
const join = (regionExists = true): JoinRegion => ({ type: 'JoinRegion', data: { podId, regionId: otherRegionId, regionExists }, metadata });
const joined: PodJoinedRegion = { type: 'PodJoinedRegion', data: { podId, regionId: otherRegionId, serviceArea }, metadata: eventMetadata };

describe('a pod joining a region', () => {
  it("given a pod that left its region, when another region's stewards admit it, then it joins that region, with where it works", () => {
    spec(podDecider).given([created, left]).when(join()).then([joined]);
    expect(spec(podDecider).given([created, left, joined]).state()).toMatchObject({ status: 'active', regionId: otherRegionId });
  });

  it('refuses a pod still in a region (it leaves first), a region that does not exist and a pod that does not exist', () => {
    expect(spec(podDecider).given([created]).when(join()).thenThrows(DomainRuleViolation)).toMatchObject({ code: 'ALREADY_IN_REGION', field: 'podId' });
    expect(spec(podDecider).given([created, left, joined]).when(join()).thenThrows(DomainRuleViolation)).toMatchObject({ code: 'ALREADY_IN_REGION' });
    expect(spec(podDecider).given([created, left]).when(join(false)).thenThrows(DomainRuleViolation)).toMatchObject({
      code: 'REGION_NOT_FOUND',
      field: 'regionId',
    });
    expect(spec(podDecider).given([]).when(join()).thenThrows(DomainRuleViolation)).toMatchObject({ code: 'POD_NOT_FOUND' });
  });

  it('given it joined a region, when its coordinators take it out again, then it leaves that region', () => {
    spec(podDecider)
      .given([created, left, joined])
      .when({ type: 'LeaveRegion', data: { podId, reason: null }, metadata })
      .then([{ ...left, data: { ...left.data, regionId: otherRegionId } }]);
  });
});
