import { MemberJoinedV1, PodCreatedV1, RegionCreatedV1 } from './membership.contracts';
import { RequestEvaluatedV1 } from './matching.contracts';
import { RequestPostedV1 } from './requests.contracts';
import { REQUEST_CATEGORIES, URGENCIES } from './vocabulary';

const regionId = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
const podId = '2b3c4d5e-6f70-4b9c-8d1e-2f3a4b5c6d7e';
const memberId = '3c4d5e6f-7081-5cad-9e2f-3a4b5c6d7e8f';
const requestId = '4d5e6f70-8192-4dbe-af30-4b5c6d7e8f90';

function issuePaths(result: { ok: boolean; error?: { issues: readonly { path: string }[] } }): string[] {
  return result.ok ? [] : result.error!.issues.map((issue) => issue.path);
}

describe('membership contracts', () => {
  it('region-created needs an id, a name and a URL slug', () => {
    expect(RegionCreatedV1.type).toBe('membership.region-created.v1');
    expect(RegionCreatedV1.parse({ regionId, name: 'Lisboa', slug: 'lisboa-norte' }).ok).toBe(true);
    expect(issuePaths(RegionCreatedV1.parse({ regionId, name: '  ', slug: 'Lisboa Norte' }))).toEqual(['name', 'slug']);
  });

  it('pod-created needs BCP 47 languages and an IANA time zone', () => {
    const pod = { podId, regionId, name: 'Graça', languages: ['pt-PT', 'en'], timezone: 'Europe/Lisbon' };
    expect(PodCreatedV1.parse(pod)).toEqual({ ok: true, data: pod });
    expect(issuePaths(PodCreatedV1.parse({ ...pod, languages: ['pt_PT'], timezone: 'Europe/Atlantis' }))).toEqual(['languages[0]', 'timezone']);
    expect(issuePaths(PodCreatedV1.parse({ ...pod, languages: [] }))).toEqual(['languages']);
  });

  it('member-joined carries the derived member id, the person and their language', () => {
    const joined = { memberId, podId, personId: 'auth0|42', displayName: 'Rui', preferredLanguage: 'pt' };
    expect(MemberJoinedV1.parse(joined).ok).toBe(true);
    expect(issuePaths(MemberJoinedV1.parse({ ...joined, personId: '', preferredLanguage: '??' }))).toEqual(['personId', 'preferredLanguage']);
  });
});

describe('requests contracts', () => {
  const posted = {
    requestId,
    podId,
    requesterMemberId: memberId,
    title: 'Groceries for this week',
    category: 'groceries',
    urgency: 'normal',
    postedAt: '2025-03-01T10:00:00.000Z',
  };

  it('request-posted accepts every category and urgency', () => {
    for (const category of REQUEST_CATEGORIES) expect(RequestPostedV1.parse({ ...posted, category }).ok).toBe(true);
    for (const urgency of URGENCIES) expect(RequestPostedV1.parse({ ...posted, urgency }).ok).toBe(true);
  });

  it('request-posted rejects an unknown category, urgency and a timestamp without a zone', () => {
    expect(issuePaths(RequestPostedV1.parse({ ...posted, category: 'cars', urgency: 'whenever', postedAt: '2025-03-01 10:00' }))).toEqual([
      'category',
      'urgency',
      'postedAt',
    ]);
  });
});

describe('matching contracts', () => {
  it('request-evaluated counts candidates with a non-negative integer', () => {
    const evaluated = { requestId, podId, evaluatedAt: '2025-03-01T10:00:01+01:00', candidateCount: 3, status: 'candidates-found' };
    expect(RequestEvaluatedV1.parse(evaluated).ok).toBe(true);
    expect(issuePaths(RequestEvaluatedV1.parse({ ...evaluated, candidateCount: -1, status: 'maybe' }))).toEqual(['candidateCount', 'status']);
  });
});
