import { MemberLeftV1, PodApplicationDeclinedV1, PodJoinedRegionV1, PodLeftRegionV1, PodSettingsChangedV1 } from './membership-pods.contracts';
import { PodCreatedV1 } from './membership.contracts';

const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const regionId = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const at = '2026-12-01T10:00:00.000Z';

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('membership pod contracts', () => {
  it('pod-application-declined tells the applicant which application and why', () => {
    const declined = { applicationId: podId, regionId, applicantPersonId: 'person-ana', name: 'Arroios', reason: 'Join the Arroios pod', declinedAt: at };
    expect(PodApplicationDeclinedV1.type).toBe('membership.pod-application-declined.v1');
    expect(PodApplicationDeclinedV1.parse(declined)).toEqual({ ok: true, data: declined });
    expect(issuePaths(PodApplicationDeclinedV1.parse({ ...declined, reason: ' ', declinedAt: 'today' }))).toEqual(['reason', 'declinedAt']);
  });

  it('pod-left-region and member-left say who left what, and when', () => {
    expect(PodLeftRegionV1.parse({ podId, regionId, leftAt: at }).ok).toBe(true);
    expect(MemberLeftV1.type).toBe('membership.member-left.v1');
    expect(MemberLeftV1.parse({ memberId, podId, leftAt: at }).ok).toBe(true);
    expect(issuePaths(MemberLeftV1.parse({ memberId: 'bo', podId, leftAt: at }))).toEqual(['memberId']);
  });

  it('pod-joined-region names the new region and may carry where the pod works', () => {
    const joined = { podId, regionId, joinedAt: at };
    expect(PodJoinedRegionV1.type).toBe('membership.pod-joined-region.v1');
    expect(PodJoinedRegionV1.parse(joined)).toEqual({ ok: true, data: joined });
    expect(issuePaths(PodJoinedRegionV1.parse({ ...joined, regionId: 'north', joinedAt: 'now' }))).toEqual(['regionId', 'joinedAt']);
  });

  it('pod-settings-changed carries the settings in full, in their kebab-case values', () => {
    const settings = { podId, requestVisibility: 'region', escalateToNeighbours: true, admissionMode: 'invite-code', changedAt: at };
    expect(PodSettingsChangedV1.parse(settings)).toEqual({ ok: true, data: settings });
    expect(issuePaths(PodSettingsChangedV1.parse({ ...settings, requestVisibility: 'world', admissionMode: 'INVITE_CODE' }))).toEqual([
      'requestVisibility',
      'admissionMode',
    ]);
  });

  it('pod-created may carry the service area, as a closed GeoJSON polygon', () => {
    const ring = [
      [-9.14, 38.72],
      [-9.13, 38.72],
      [-9.13, 38.73],
      [-9.14, 38.72],
    ];
    const pod = { podId, regionId, name: 'Arroios', languages: ['pt'], timezone: 'Europe/Lisbon' };
    expect(PodCreatedV1.parse(pod).ok).toBe(true);
    expect(PodCreatedV1.parse({ ...pod, serviceArea: { type: 'Polygon', coordinates: [ring] } }).ok).toBe(true);
    expect(issuePaths(PodCreatedV1.parse({ ...pod, serviceArea: { type: 'Polygon', coordinates: [ring.slice(0, 3).concat([[-9.1, 38.7]])] } }))).toEqual([
      'serviceArea.coordinates[0]',
    ]);
  });
});
