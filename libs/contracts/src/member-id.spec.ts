import { MEMBER_ID_NAMESPACE, memberIdFor, uuidV5 } from './member-id';

describe('uuidV5', () => {
  it('matches the RFC test vector for www.example.com in the DNS namespace', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(/namespace must be a UUID/);
  });
});

describe('memberIdFor', () => {
  const podId = '7d9f4a2c-1b3e-4c5d-8e6f-0a1b2c3d4e5f';

  it('derives the same version-5 id for the same pod and person, whatever the case of the pod id', () => {
    const id = memberIdFor(podId, 'auth0|person-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(memberIdFor(podId.toUpperCase(), 'auth0|person-1')).toBe(id);
    expect(id).toBe(uuidV5(`${podId}:auth0|person-1`, MEMBER_ID_NAMESPACE));
  });

  it('gives a person a different id in every pod, and different people different ids', () => {
    const otherPod = '8e0a5b3d-2c4f-4d6e-9f70-1b2c3d4e5f60';
    expect(memberIdFor(podId, 'p1')).not.toBe(memberIdFor(otherPod, 'p1'));
    expect(memberIdFor(podId, 'p1')).not.toBe(memberIdFor(podId, 'p2'));
  });

  it('validates its inputs', () => {
    expect(() => memberIdFor('pod-1', 'p1')).toThrow(/podId must be a UUID/);
    expect(() => memberIdFor(podId, '')).toThrow(/personId must not be empty/);
  });
});
