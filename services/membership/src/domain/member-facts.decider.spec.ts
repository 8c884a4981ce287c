import { spec } from '@mutuo/domain';
import { memberAdmissionDecider, type AdmitToPod, type PodAdmissionFacts } from './member-admission.decider';
import { sharingMemberFacts, type MemberContactsChanged, type MemberProfileFactsChanged } from './member-facts.decider';
import { memberProfileDecider, type ContactChannelAdded, type MemberProfileCommand, type PreferredChannelSet } from './member-profile.decider';
import { forCurrentMembers } from './member-slice';
import type { MemberJoined } from './member.decider';

const podId = 'c2d7c1c6-3f0e-4b0a-9d55-8d1f6f9c0a01';
const memberId = '5a0c3a36-8f5e-5b7e-9a55-0e4c6c1d2b10';
const on = { memberId, podId };
const metadata = { now: '2026-11-25T09:00:00.000Z', actorId: 'person-ana', podId };
const eventMetadata = { occurredAt: metadata.now, actorId: metadata.actorId, podId };
const channelId = '0b3c8d1e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';

const joined: MemberJoined = {
  type: 'MemberJoined',
  data: { memberId, podId, personId: 'person-ana', displayName: 'Ana', preferredLanguage: 'pt' },
  metadata: eventMetadata,
};
const emailAdded: ContactChannelAdded = {
  type: 'ContactChannelAdded',
  data: { ...on, channelId, kind: 'email', value: 'ana@example.org' },
  metadata: eventMetadata,
};
const emailPreferred: PreferredChannelSet = { type: 'PreferredChannelSet', data: { ...on, channelId }, metadata: eventMetadata };
const profileSlice = sharingMemberFacts(forCurrentMembers(memberProfileDecider));
const profileCommand = (command: Omit<MemberProfileCommand, 'metadata'>) => ({ ...command, metadata }) as MemberProfileCommand;

const contacts = (channels: MemberContactsChanged['data']['channels'], preferredChannelId: string | null): MemberContactsChanged => ({
  type: 'MemberContactsChanged',
  data: { ...on, preferredLanguage: 'pt', channels, preferredChannelId },
  metadata: eventMetadata,
});
const profileFacts = (data: Pick<MemberProfileFactsChanged['data'], 'languages' | 'skills' | 'locationCell'>): MemberProfileFactsChanged => ({
  type: 'MemberProfileFactsChanged',
  data: { ...on, ...data },
  metadata: eventMetadata,
});

describe('sharing member facts', () => {
  it('given a person, when they join, then the joining is followed by their profile facts and no contacts yet', () => {
    const pod: PodAdmissionFacts = { podLanguages: ['pt'], admissionMode: 'open', joinQuestions: [], agreementsVersion: 0 };
    const join: AdmitToPod = {
      type: 'JoinPod',
      data: { ...on, personId: 'person-ana', displayName: 'Ana', preferredLanguage: '', pod, inviteCodeGiven: false, agreementsVersion: null },
      metadata,
    };
    spec(sharingMemberFacts(memberAdmissionDecider))
      .given([])
      .when(join)
      .then([joined, profileFacts({ languages: ['pt'], skills: [], locationCell: null })]);
  });

  it('given a member, when they add a contact channel, then the whole contacts follow: the channel, unverified, preferred', () => {
    spec(profileSlice)
      .given([joined])
      .when(profileCommand({ type: 'AddContactChannel', data: { channelId, kind: 'email', value: 'ana@example.org' } }))
      .then([emailAdded, emailPreferred, contacts([{ channelId, kind: 'email', value: 'ana@example.org', verified: false }], channelId)]);
  });

  it('given a channel, when it is verified, then the contacts follow with it verified', () => {
    spec(profileSlice)
      .given([joined, emailAdded, emailPreferred])
      .when(profileCommand({ type: 'MarkContactVerified', data: { channelId } }))
      .then([
        { type: 'ContactChannelVerified', data: { ...on, channelId }, metadata: eventMetadata },
        contacts([{ channelId, kind: 'email', value: 'ana@example.org', verified: true }], channelId),
      ]);
  });

  it('given a channel, when it is removed, then the contacts follow empty', () => {
    spec(profileSlice)
      .given([joined, emailAdded, emailPreferred])
      .when(profileCommand({ type: 'RemoveContactChannel', data: { channelId } }))
      .then([{ type: 'ContactChannelRemoved', data: { ...on, channelId }, metadata: eventMetadata }, contacts([], null)]);
  });

  it('given a member, when their skills or cell change, then the profile facts follow whole, without the precise point', () => {
    spec(profileSlice)
      .given([joined])
      .when(profileCommand({ type: 'UpdateProfile', data: { skills: ['meals'], location: { cell: 'EYCS0V', precise: { lat: 38.7, lon: -9.1 } } } }))
      .then([
        {
          type: 'ProfileUpdated',
          data: {
            ...on,
            displayName: 'Ana',
            pronouns: null,
            languages: ['pt'],
            skills: ['meals'],
            location: { cell: 'eycs0v', precise: { lat: 38.7, lon: -9.1 } },
          },
          metadata: eventMetadata,
        },
        profileFacts({ languages: ['pt'], skills: ['meals'], locationCell: 'eycs0v' }),
      ]);
  });

  it('given a member, when only their name changes, then no facts are shared', () => {
    spec(profileSlice)
      .given([joined])
      .when(profileCommand({ type: 'UpdateProfile', data: { displayName: 'Ana Sousa' } }))
      .then([
        {
          type: 'ProfileUpdated',
          data: { ...on, displayName: 'Ana Sousa', pronouns: null, languages: ['pt'], skills: [], location: null },
          metadata: eventMetadata,
        },
      ]);
  });

  it('given a command that changes nothing, then nothing is shared either', () => {
    spec(profileSlice)
      .given([joined, emailAdded, emailPreferred])
      .when(profileCommand({ type: 'SetPreferredChannel', data: { channelId } }))
      .then([]);
  });
});
