import { REQUEST_CATEGORIES, type RequestCategory } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, optionalPlainText, plainText } from '@mutuo/domain';
import { encodeGeohash, geohashCell, isValidPoint, NEIGHBOURHOOD_PRECISION, type GeoPoint } from '@mutuo/domain';
import { notAMember, type MemberIdentity, type OnMemberStream } from './member-slice';
import { canonicalLanguageTag, CONTACT_CHANNEL_KINDS, normalizeContactValue, sameContactValue, type ContactChannelKind } from './profile-values';

export interface MemberLocation {
  /** Geohash cell at neighbourhood size: what the pod may know of where the member is. */
  readonly cell: string;
  /** Only when the member opted in; private to them and the pod's coordinators. */
  readonly precise: GeoPoint | null;
}

export interface Profile {
  readonly displayName: string;
  readonly pronouns: string | null;
  /** Canonical BCP 47 tags, most used first. */
  readonly languages: readonly string[];
  /** What the member can offer, in the order of the shared category list. */
  readonly skills: readonly RequestCategory[];
  readonly location: MemberLocation | null;
}

export interface ContactChannel {
  readonly channelId: string;
  readonly kind: ContactChannelKind;
  readonly value: string;
  readonly verified: boolean;
}

export type MemberProfileState =
  | { readonly status: 'none' }
  | (MemberIdentity & {
      readonly status: 'active';
      readonly profile: Profile;
      readonly channels: readonly ContactChannel[];
      readonly preferredChannelId: string | null;
    });

/** What a member changes; a field left out stays as it is, `null` clears an optional one. */
export interface ProfileChanges {
  readonly displayName?: string;
  readonly pronouns?: string | null;
  readonly languages?: readonly string[];
  readonly skills?: readonly string[];
  readonly location?: { readonly cell?: string | null; readonly precise?: GeoPoint | null } | null;
}

export type UpdateProfile = Command<'UpdateProfile', ProfileChanges>;
/** `channelId` is chosen by the caller (a new UUID), so the decider stays deterministic. */
export type AddContactChannel = Command<'AddContactChannel', { channelId: string; kind: string; value: string }>;
export type RemoveContactChannel = Command<'RemoveContactChannel', { channelId: string }>;
export type SetPreferredChannel = Command<'SetPreferredChannel', { channelId: string }>;
/** Issued by sign-in once the member proved they receive messages on the channel. */
export type MarkContactVerified = Command<'MarkContactVerified', { channelId: string }>;
export type MemberProfileCommand = UpdateProfile | AddContactChannel | RemoveContactChannel | SetPreferredChannel | MarkContactVerified;

type OnMember<Data> = MemberIdentity & Data;
export type ProfileUpdated = DomainEvent<'ProfileUpdated', OnMember<Profile>>;
export type ContactChannelAdded = DomainEvent<'ContactChannelAdded', OnMember<{ channelId: string; kind: ContactChannelKind; value: string }>>;
export type ContactChannelRemoved = DomainEvent<'ContactChannelRemoved', OnMember<{ channelId: string }>>;
export type PreferredChannelSet = DomainEvent<'PreferredChannelSet', OnMember<{ channelId: string }>>;
export type ContactChannelVerified = DomainEvent<'ContactChannelVerified', OnMember<{ channelId: string }>>;
export type MemberProfileEvent = ProfileUpdated | ContactChannelAdded | ContactChannelRemoved | PreferredChannelSet | ContactChannelVerified;

export const MEMBER_PROFILE_EVENT_TYPES = [
  'ProfileUpdated',
  'ContactChannelAdded',
  'ContactChannelRemoved',
  'PreferredChannelSet',
  'ContactChannelVerified',
] as const satisfies readonly MemberProfileEvent['type'][];

export const MAX_LANGUAGES = 10;
export const MAX_CONTACT_CHANNELS = 10;
const COORDINATE_DECIMALS = 6;

type Active = Extract<MemberProfileState, { status: 'active' }>;

export const memberProfileDecider: Decider<MemberProfileState, MemberProfileCommand, OnMemberStream<MemberProfileEvent>> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    if (state.status !== 'active') throw notAMember();
    const on = { memberId: state.memberId, podId: state.podId };
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'UpdateProfile': {
        const profile = applyChanges(state.profile, command.data);
        return sameProfile(profile, state.profile) ? [] : [{ type: 'ProfileUpdated', data: { ...on, ...profile }, metadata }];
      }
      case 'AddContactChannel': {
        const { channelId } = command.data;
        const kind = contactKind(command.data.kind);
        const value = normalizeContactValue(kind, command.data.value);
        if (value === null) throw new DomainRuleViolation('INVALID_CONTACT_VALUE', invalidContactMessage(kind), 'value');
        if (state.channels.some((channel) => channel.kind === kind && sameContactValue(kind, channel.value, value))) {
          throw new DomainRuleViolation('CONTACT_CHANNEL_EXISTS', 'You already have this contact channel', 'value');
        }
        if (state.channels.some((channel) => channel.channelId === channelId)) {
          throw new DomainRuleViolation('CONTACT_CHANNEL_EXISTS', 'A contact channel with this id exists', 'channelId');
        }
        if (state.channels.length >= MAX_CONTACT_CHANNELS) {
          throw new DomainRuleViolation('TOO_MANY_CONTACT_CHANNELS', `Keep at most ${MAX_CONTACT_CHANNELS} contact channels`, 'value');
        }
        const added: MemberProfileEvent = { type: 'ContactChannelAdded', data: { ...on, channelId, kind, value }, metadata };
        // Whenever a member has a channel, one of them is the preferred one.
        return state.preferredChannelId === null ? [added, { type: 'PreferredChannelSet', data: { ...on, channelId }, metadata }] : [added];
      }
      case 'RemoveContactChannel': {
        const channel = existingChannel(state, command.data.channelId);
        const removed: MemberProfileEvent = { type: 'ContactChannelRemoved', data: { ...on, channelId: channel.channelId }, metadata };
        if (state.preferredChannelId !== channel.channelId) return [removed];
        const remaining = state.channels.filter((candidate) => candidate.channelId !== channel.channelId);
        const successor = remaining.find((candidate) => candidate.verified) ?? remaining[0];
        return successor ? [removed, { type: 'PreferredChannelSet', data: { ...on, channelId: successor.channelId }, metadata }] : [removed];
      }
      case 'SetPreferredChannel': {
        const channel = existingChannel(state, command.data.channelId);
        if (state.preferredChannelId === channel.channelId) return [];
        return [{ type: 'PreferredChannelSet', data: { ...on, channelId: channel.channelId }, metadata }];
      }
      case 'MarkContactVerified': {
        const channel = existingChannel(state, command.data.channelId);
        if (channel.verified) return [];
        return [{ type: 'ContactChannelVerified', data: { ...on, channelId: channel.channelId }, metadata }];
      }
      default:
        return assertNever(command, 'member profile command');
    }
  },

  evolve(state, event) {
    if (event.type === 'MemberJoined') {
      const { memberId, podId, displayName, preferredLanguage } = event.data;
      return {
        status: 'active',
        memberId,
        podId,
        profile: { displayName, pronouns: null, languages: [preferredLanguage], skills: [], location: null },
        channels: [],
        preferredChannelId: null,
      };
    }
    if (state.status !== 'active') return state;
    switch (event.type) {
      case 'ProfileUpdated': {
        const { displayName, pronouns, languages, skills, location } = event.data;
        return { ...state, profile: { displayName, pronouns, languages, skills, location } };
      }
      case 'ContactChannelAdded': {
        const { channelId, kind, value } = event.data;
        return { ...state, channels: [...state.channels, { channelId, kind, value, verified: false }] };
      }
      case 'ContactChannelRemoved':
        return {
          ...state,
          channels: state.channels.filter((channel) => channel.channelId !== event.data.channelId),
          preferredChannelId: state.preferredChannelId === event.data.channelId ? null : state.preferredChannelId,
        };
      case 'PreferredChannelSet':
        return { ...state, preferredChannelId: event.data.channelId };
      case 'ContactChannelVerified':
        return {
          ...state,
          channels: state.channels.map((channel) => (channel.channelId === event.data.channelId ? { ...channel, verified: true } : channel)),
        };
      default:
        // Another slice's event on the member stream.
        return state;
    }
  },
};

function applyChanges(current: Profile, changes: ProfileChanges): Profile {
  return {
    displayName: changes.displayName === undefined ? current.displayName : displayName(changes.displayName),
    pronouns: changes.pronouns === undefined ? current.pronouns : pronouns(changes.pronouns),
    languages: changes.languages === undefined ? current.languages : languages(changes.languages),
    skills: changes.skills === undefined ? current.skills : skills(changes.skills),
    location: changes.location === undefined ? current.location : location(changes.location),
  };
}

function displayName(value: string): string {
  return plainText(value, { field: 'displayName', max: 80, code: 'INVALID_DISPLAY_NAME' });
}

function pronouns(value: string | null): string | null {
  return optionalPlainText(value, { field: 'pronouns', min: 0, max: 40, code: 'INVALID_PRONOUNS' });
}

function languages(tags: readonly string[]): string[] {
  if (tags.length === 0 || tags.length > MAX_LANGUAGES) {
    throw new DomainRuleViolation('INVALID_LANGUAGES', `Give 1 to ${MAX_LANGUAGES} languages`, 'languages');
  }
  const canonical: string[] = [];
  for (const tag of tags) {
    const checked = canonicalLanguageTag(tag);
    if (checked === null) {
      throw new DomainRuleViolation('INVALID_LANGUAGES', `"${tag}" is not a known BCP 47 language tag such as "pt" or "pt-BR"`, 'languages');
    }
    if (!canonical.includes(checked)) canonical.push(checked);
  }
  return canonical;
}

function skills(values: readonly string[]): RequestCategory[] {
  const unknown = values.find((value) => !(REQUEST_CATEGORIES as readonly string[]).includes(value));
  if (unknown !== undefined) {
    throw new DomainRuleViolation('INVALID_SKILLS', `"${unknown}" is not one of the shared request categories`, 'skills');
  }
  return REQUEST_CATEGORIES.filter((category) => values.includes(category));
}

function location(input: NonNullable<ProfileChanges['location']> | null): MemberLocation | null {
  if (input === null) return null;
  const precise = input.precise ? roundedPoint(input.precise) : null;
  const given = input.cell?.trim() || null;
  const cell =
    given === null
      ? null
      : geohashCell(given, { field: 'location.cell', minLength: NEIGHBOURHOOD_PRECISION, maxLength: NEIGHBOURHOOD_PRECISION, code: 'INVALID_LOCATION_CELL' });
  if (cell === null && precise === null) {
    throw new DomainRuleViolation('INVALID_LOCATION_CELL', 'Give a neighbourhood cell, a precise point, or no location', 'location.cell');
  }
  if (precise === null) return { cell: cell!, precise: null };
  const cellOfPoint = encodeGeohash(precise, NEIGHBOURHOOD_PRECISION);
  if (cell !== null && cell !== cellOfPoint) {
    throw new DomainRuleViolation('LOCATION_OUTSIDE_CELL', `The precise point lies in cell ${cellOfPoint}, not in ${cell}`, 'location.precise');
  }
  return { cell: cellOfPoint, precise };
}

function roundedPoint(point: GeoPoint): GeoPoint {
  if (!isValidPoint(point)) {
    throw new DomainRuleViolation('INVALID_LOCATION_POINT', 'Latitude is -90 to 90 and longitude -180 to 180', 'location.precise');
  }
  const round = (value: number) => Number(value.toFixed(COORDINATE_DECIMALS));
  return { lat: round(point.lat), lon: round(point.lon) };
}

function contactKind(kind: string): ContactChannelKind {
  if (!(CONTACT_CHANNEL_KINDS as readonly string[]).includes(kind)) {
    throw new DomainRuleViolation('INVALID_CONTACT_KIND', `A contact channel is one of: ${CONTACT_CHANNEL_KINDS.join(', ')}`, 'kind');
  }
  return kind as ContactChannelKind;
}

function invalidContactMessage(kind: ContactChannelKind): string {
  switch (kind) {
    case 'email':
      return 'Give an e-mail address such as ana@example.org';
    case 'phone':
      return 'Give a phone number in international form (E.164) such as +351912345678';
    case 'messaging':
      return 'A messaging handle has 2 to 100 characters without spaces';
  }
}

function existingChannel(state: Active, channelId: string): ContactChannel {
  const channel = state.channels.find((candidate) => candidate.channelId === channelId);
  if (!channel) throw new DomainRuleViolation('CONTACT_CHANNEL_NOT_FOUND', 'You have no contact channel with this id', 'channelId');
  return channel;
}

function sameProfile(a: Profile, b: Profile): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((item, index) => item === y[index]);
  const samePoint = (x: GeoPoint | null, y: GeoPoint | null) => x === y || (x !== null && y !== null && x.lat === y.lat && x.lon === y.lon);
  const sameLocation = (x: MemberLocation | null, y: MemberLocation | null) =>
    x === y || (x !== null && y !== null && x.cell === y.cell && samePoint(x.precise, y.precise));
  return (
    a.displayName === b.displayName &&
    a.pronouns === b.pronouns &&
    sameList(a.languages, b.languages) &&
    sameList(a.skills, b.skills) &&
    sameLocation(a.location, b.location)
  );
}
