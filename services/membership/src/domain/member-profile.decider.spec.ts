import { DomainRuleViolation, spec } from '@mutuo/domain';
import type { MemberJoined } from './member.decider';
import {
  memberProfileDecider,
  type AddContactChannel,
  type ContactChannelAdded,
  type MemberProfileCommand,
  type PreferredChannelSet,
  type ProfileChanges,
  type ProfileUpdated,
  type UpdateProfile,
} from './member-profile.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const memberId = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const on = { memberId, podId };
const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId };

const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventMetadata,
};
const update = (data: ProfileChanges): UpdateProfile => ({ type: 'UpdateProfile', data, metadata });
const add = (channelId: string, kind: string, value: string): AddContactChannel => ({
  type: 'AddContactChannel',
  data: { channelId, kind, value },
  metadata,
});
const added = (channelId: string, kind: 'email' | 'phone' | 'messaging', value: string): ContactChannelAdded => ({
  type: 'ContactChannelAdded',
  data: { ...on, channelId, kind, value },
  metadata: eventMetadata,
});
const preferred = (channelId: string): PreferredChannelSet => ({ type: 'PreferredChannelSet', data: { ...on, channelId }, metadata: eventMetadata });
const command = (type: 'RemoveContactChannel' | 'SetPreferredChannel' | 'MarkContactVerified', channelId: string): MemberProfileCommand => ({
  type,
  data: { channelId },
  metadata,
});

describe('member profile', () => {
  describe('updating the profile', () => {
    it('given a member who just joined, when they fill in their profile, then it holds canonical languages and skills in list order', () => {
      const expected: ProfileUpdated = {
        type: 'ProfileUpdated',
        data: {
          ...on,
          displayName: 'Ana Sousa',
          pronouns: 'she/her',
          languages: ['pt-BR', 'en'],
          skills: ['groceries', 'translation'],
          location: { cell: 'eycs21', precise: null },
        },
        metadata: eventMetadata,
      };
      spec(memberProfileDecider)
        .given([joined])
        .when(
          update({
            displayName: '  Ana   Sousa ',
            pronouns: 'she/her',
            languages: ['pt-br', 'en', 'pt-BR'],
            skills: ['translation', 'groceries'],
            location: { cell: 'EYCS21' },
          }),
        )
        .then([expected]);
    });

    it('keeps what the update leaves out and starts from the name and language given when joining', () => {
      const [event] = spec(memberProfileDecider)
        .given([joined])
        .when(update({ pronouns: 'they/them' }))
        .then([
          {
            type: 'ProfileUpdated',
            data: { ...on, displayName: 'Ana', pronouns: 'they/them', languages: ['pt'], skills: [], location: null },
            metadata: eventMetadata,
          },
        ]);
      expect(spec(memberProfileDecider).given([joined, event!]).state()).toMatchObject({ profile: { pronouns: 'they/them' } });
    });

    it('given a profile, when the same values are sent again, then nothing happens', () => {
      const [event] = spec(memberProfileDecider)
        .given([joined])
        .when(update({ skills: ['meals'], languages: ['pt', 'en'] }))
        .then([
          {
            type: 'ProfileUpdated',
            data: { ...on, displayName: 'Ana', pronouns: null, languages: ['pt', 'en'], skills: ['meals'], location: null },
            metadata: eventMetadata,
          },
        ]);
      spec(memberProfileDecider)
        .given([joined, event!])
        .when(update({ skills: ['meals'], languages: ['pt', 'en'] }))
        .then([]);
    });

    it('derives the neighbourhood cell from an opted-in precise point, rounded to six decimals', () => {
      const [event] = spec(memberProfileDecider)
        .given([joined])
        .when(update({ location: { precise: { lat: 38.72605123, lon: -9.1357749 } } }))
        .then([
          {
            type: 'ProfileUpdated',
            data: {
              ...on,
              displayName: 'Ana',
              pronouns: null,
              languages: ['pt'],
              skills: [],
              location: { cell: 'eycs21', precise: { lat: 38.726051, lon: -9.135775 } },
            },
            metadata: eventMetadata,
          },
        ]);
      // Opting out again keeps the cell and drops the point.
      spec(memberProfileDecider)
        .given([joined, event!])
        .when(update({ location: { cell: 'eycs21', precise: null } }))
        .then([
          {
            type: 'ProfileUpdated',
            data: { ...on, displayName: 'Ana', pronouns: null, languages: ['pt'], skills: [], location: { cell: 'eycs21', precise: null } },
            metadata: eventMetadata,
          },
        ]);
    });

    it.each<[string, ProfileChanges, string, string]>([
      ['an empty display name', { displayName: '   ' }, 'INVALID_DISPLAY_NAME', 'displayName'],
      ['pronouns with control characters', { pronouns: 'she\u0000her' }, 'INVALID_PRONOUNS', 'pronouns'],
      ['a language tag that is not BCP 47', { languages: ['pt_BR'] }, 'INVALID_LANGUAGES', 'languages'],
      ['an unknown language', { languages: ['english'] }, 'INVALID_LANGUAGES', 'languages'],
      ['no language at all', { languages: [] }, 'INVALID_LANGUAGES', 'languages'],
      ['a skill outside the shared categories', { skills: ['plumbing'] }, 'INVALID_SKILLS', 'skills'],
      ['a cell with a letter geohash does not use', { location: { cell: 'eycs2a' } }, 'INVALID_LOCATION_CELL', 'location.cell'],
      ['a cell of the wrong size', { location: { cell: 'eycs2' } }, 'INVALID_LOCATION_CELL', 'location.cell'],
      ['a location with neither cell nor point', { location: {} }, 'INVALID_LOCATION_CELL', 'location.cell'],
      ['a latitude beyond the pole', { location: { precise: { lat: 91, lon: 0 } } }, 'INVALID_LOCATION_POINT', 'location.precise'],
      [
        'a point outside the given cell',
        { location: { cell: 'u4pruy', precise: { lat: 38.72605, lon: -9.13577 } } },
        'LOCATION_OUTSIDE_CELL',
        'location.precise',
      ],
    ])('refuses %s, naming the field', (_case, changes, code, field) => {
      const error = spec(memberProfileDecider).given([joined]).when(update(changes)).thenThrows(DomainRuleViolation);
      expect(error).toMatchObject({ code, field });
    });

    it('refuses someone who has not joined the pod', () => {
      const error = spec(memberProfileDecider)
        .given([])
        .when(update({ pronouns: 'he/him' }))
        .thenThrows(DomainRuleViolation);
      expect(error).toMatchObject({ code: 'NOT_A_MEMBER' });
    });
  });

  describe('contact channels', () => {
    it('given no channels, when the first one is added, then it is unverified and becomes the preferred one', () => {
      spec(memberProfileDecider)
        .given([joined])
        .when(add('ch-1', 'email', ' Ana@Example.ORG '))
        .then([added('ch-1', 'email', 'Ana@example.org'), preferred('ch-1')]);
      expect(
        spec(memberProfileDecider)
          .given([joined, added('ch-1', 'email', 'Ana@example.org'), preferred('ch-1')])
          .state(),
      ).toMatchObject({
        channels: [{ channelId: 'ch-1', verified: false }],
        preferredChannelId: 'ch-1',
      });
    });

    it('given a preferred channel, when another is added, then the preference stays; a phone is kept in E.164', () => {
      spec(memberProfileDecider)
        .given([joined, added('ch-1', 'email', 'ana@example.org'), preferred('ch-1')])
        .when(add('ch-2', 'phone', '+351 912-345-678'))
        .then([added('ch-2', 'phone', '+351912345678')]);
    });

    it.each([
      ['email', 'ana@', 'INVALID_CONTACT_VALUE', 'value'],
      ['phone', '912345678', 'INVALID_CONTACT_VALUE', 'value'],
      ['messaging', 'a b', 'INVALID_CONTACT_VALUE', 'value'],
      ['pigeon', 'coo', 'INVALID_CONTACT_KIND', 'kind'],
    ])('refuses a %s channel "%s"', (kind, value, code, field) => {
      const error = spec(memberProfileDecider)
        .given([joined])
        .when(add('ch-1', kind, value))
        .thenThrows(DomainRuleViolation);
      expect(error).toMatchObject({ code, field });
    });

    it('refuses the same address twice, whatever its case', () => {
      const error = spec(memberProfileDecider)
        .given([joined, added('ch-1', 'email', 'ana@example.org'), preferred('ch-1')])
        .when(add('ch-2', 'email', 'ANA@example.org'))
        .thenThrows(DomainRuleViolation);
      expect(error).toMatchObject({ code: 'CONTACT_CHANNEL_EXISTS', field: 'value' });
    });

    it('given the preferred channel and a verified one, when the preferred is removed, then the verified one takes over', () => {
      const verified = { type: 'ContactChannelVerified' as const, data: { ...on, channelId: 'ch-3' }, metadata: eventMetadata };
      spec(memberProfileDecider)
        .given([
          joined,
          added('ch-1', 'email', 'ana@example.org'),
          preferred('ch-1'),
          added('ch-2', 'messaging', '@ana'),
          added('ch-3', 'phone', '+351912345678'),
          verified,
        ])
        .when(command('RemoveContactChannel', 'ch-1'))
        .then([{ type: 'ContactChannelRemoved', data: { ...on, channelId: 'ch-1' }, metadata: eventMetadata }, preferred('ch-3')]);
    });

    it('given a single channel, when it is removed, then no channel is preferred', () => {
      const history = [joined, added('ch-1', 'email', 'ana@example.org'), preferred('ch-1')];
      const events = spec(memberProfileDecider)
        .given(history)
        .when(command('RemoveContactChannel', 'ch-1'))
        .then([{ type: 'ContactChannelRemoved', data: { ...on, channelId: 'ch-1' }, metadata: eventMetadata }]);
      expect(
        spec(memberProfileDecider)
          .given([...history, ...events])
          .state(),
      ).toMatchObject({ channels: [], preferredChannelId: null });
    });

    it('sets another preferred channel once, and refuses an unknown one', () => {
      const history = [joined, added('ch-1', 'email', 'ana@example.org'), preferred('ch-1'), added('ch-2', 'messaging', '@ana')];
      spec(memberProfileDecider)
        .given(history)
        .when(command('SetPreferredChannel', 'ch-2'))
        .then([preferred('ch-2')]);
      spec(memberProfileDecider).given(history).when(command('SetPreferredChannel', 'ch-1')).then([]);
      const error = spec(memberProfileDecider).given(history).when(command('SetPreferredChannel', 'ch-9')).thenThrows(DomainRuleViolation);
      expect(error).toMatchObject({ code: 'CONTACT_CHANNEL_NOT_FOUND', field: 'channelId' });
    });

    it('given an unverified channel, when sign-in proves it, then it is verified once', () => {
      const history = [joined, added('ch-1', 'email', 'ana@example.org'), preferred('ch-1')];
      const verified = spec(memberProfileDecider)
        .given(history)
        .when(command('MarkContactVerified', 'ch-1'))
        .then([{ type: 'ContactChannelVerified', data: { ...on, channelId: 'ch-1' }, metadata: eventMetadata }]);
      expect(
        spec(memberProfileDecider)
          .given([...history, ...verified])
          .state(),
      ).toMatchObject({ channels: [{ verified: true }] });
      spec(memberProfileDecider)
        .given([...history, ...verified])
        .when(command('MarkContactVerified', 'ch-1'))
        .then([]);
    });
  });
});
