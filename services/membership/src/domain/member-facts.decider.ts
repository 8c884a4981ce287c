import type { RequestCategory } from '@mutuo/contracts';
import type { Command, Decider, DomainEvent } from '@mutuo/domain';
import { memberProfileDecider, type ContactChannel, type MemberProfileEvent, type MemberProfileState } from './member-profile.decider';
import type { MemberIdentity } from './member-slice';
import { memberDecider, type MemberEvent, type MemberState } from './member.decider';

/**
 * What other services may know of a member's profile, whole: languages, skills and the coarse cell (no name, no
 * contact, no precise point). Decided when the member joins and whenever one of these changes.
 */
export type MemberProfileFactsChanged = DomainEvent<
  'MemberProfileFactsChanged',
  MemberIdentity & { languages: string[]; skills: RequestCategory[]; locationCell: string | null }
>;

/** Where the member may be reached, whole: decided whenever a channel, its verification or the preferred one changes. */
export type MemberContactsChanged = DomainEvent<
  'MemberContactsChanged',
  MemberIdentity & { preferredLanguage: string; channels: ContactChannel[]; preferredChannelId: string | null }
>;

export type MemberFactsEvent = MemberProfileFactsChanged | MemberContactsChanged;

export const MEMBER_FACTS_EVENT_TYPES = ['MemberProfileFactsChanged', 'MemberContactsChanged'] as const satisfies readonly MemberFactsEvent['type'][];

/** The member and their profile as the facts are read from; both deciders ignore the other slices' events. */
export interface MemberFactsState {
  readonly member: MemberState;
  readonly profile: MemberProfileState;
}

export interface SharingMemberFacts<State> {
  readonly slice: State;
  readonly facts: MemberFactsState;
}

/**
 * A member-stream slice that also states the member's shareable facts whole after each command that changed them,
 * so what leaves the service (profile facts, contacts) is a snapshot in the stream itself rather than something
 * rebuilt from deltas at publishing time. The slice's own decisions are unchanged; the snapshots follow them.
 */
export function sharingMemberFacts<State, Cmd extends Command, Evt extends DomainEvent>(
  slice: Decider<State, Cmd, Evt>,
): Decider<SharingMemberFacts<State>, Cmd, Evt | MemberFactsEvent> {
  return {
    initialState: () => ({ slice: slice.initialState(), facts: { member: memberDecider.initialState(), profile: memberProfileDecider.initialState() } }),
    decide(command, state) {
      const decided = slice.decide(command, state.slice);
      if (decided.length === 0) return decided;
      const after = decided.reduce(evolveFacts, state.facts);
      const metadata = decided[decided.length - 1]!.metadata;
      const snapshots: MemberFactsEvent[] = [];
      const profileBefore = profileFacts(state.facts);
      const profileAfter = profileFacts(after);
      const joinedNow = state.facts.member.status !== 'active' && after.member.status === 'active';
      if (profileAfter && (joinedNow || !sameJson(profileBefore, profileAfter))) {
        snapshots.push({ type: 'MemberProfileFactsChanged', data: profileAfter, metadata });
      }
      const contactsBefore = contactFacts(state.facts);
      const contactsAfter = contactFacts(after);
      // A newcomer has no channels yet: their first contacts snapshot comes with their first channel.
      if (contactsBefore && contactsAfter && !sameJson(contactsBefore, contactsAfter)) {
        snapshots.push({ type: 'MemberContactsChanged', data: contactsAfter, metadata });
      }
      return [...decided, ...snapshots];
    },
    evolve: (state, event) => ({
      slice: slice.evolve(state.slice, event as Evt),
      facts: evolveFacts(state.facts, event),
    }),
  };
}

function evolveFacts(facts: MemberFactsState, event: DomainEvent): MemberFactsState {
  return {
    member: memberDecider.evolve(facts.member, event as unknown as MemberEvent),
    profile: memberProfileDecider.evolve(facts.profile, event as unknown as MemberProfileEvent),
  };
}

function profileFacts({ member, profile }: MemberFactsState): MemberProfileFactsChanged['data'] | null {
  if (member.status !== 'active' || profile.status !== 'active') return null;
  return {
    memberId: member.memberId,
    podId: member.podId,
    languages: [...profile.profile.languages],
    skills: [...profile.profile.skills],
    locationCell: profile.profile.location?.cell ?? null,
  };
}

function contactFacts({ member, profile }: MemberFactsState): MemberContactsChanged['data'] | null {
  if (member.status !== 'active' || profile.status !== 'active') return null;
  return {
    memberId: member.memberId,
    podId: member.podId,
    preferredLanguage: member.preferredLanguage,
    channels: profile.channels.map(({ channelId, kind, value, verified }) => ({ channelId, kind, value, verified })),
    preferredChannelId: profile.preferredChannelId,
  };
}

/** Facts are plain JSON built in a fixed key order, so their serialisations compare them. */
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
