import { randomBytes, randomUUID } from 'node:crypto';
import { MemberContactsChangedV1, MemberProfileChangedV1, openMemberContacts, sealMemberContacts } from './membership-people.contracts';

describe('membership people contracts', () => {
  const memberId = randomUUID();
  const podId = randomUUID();

  it('accepts a profile with a coarse cell and refuses a precise-looking one', () => {
    const profile = { memberId, podId, languages: ['pt-PT'], skills: ['transport'], locationCell: 'eyckr', changedAt: '2026-11-26T10:00:00Z' };
    expect(MemberProfileChangedV1.parse(profile).ok).toBe(true);
    const precise = MemberProfileChangedV1.parse({ ...profile, locationCell: 'eyckrzzzzzz' });
    expect(precise.ok).toBe(false);
  });

  it('contact channels open only with the shared key and for the member they were sealed for', () => {
    const key = randomBytes(32);
    const contacts = {
      channels: [{ channelId: randomUUID(), kind: 'email' as const, value: 'ana@example.org', verified: true }],
      preferredChannelId: null,
    };
    const sealed = sealMemberContacts(key, memberId, contacts);
    expect(sealed).not.toContain('ana@example.org');
    const data = { memberId, podId, preferredLanguage: 'pt', changedAt: '2026-11-26T10:00:00Z', sealed };
    expect(MemberContactsChangedV1.parse(data).ok).toBe(true);
    expect(openMemberContacts(key, data)).toEqual(contacts);
    expect(() => openMemberContacts(randomBytes(32), data)).toThrow();
    expect(() => openMemberContacts(key, { ...data, memberId: randomUUID() })).toThrow();
  });
});
