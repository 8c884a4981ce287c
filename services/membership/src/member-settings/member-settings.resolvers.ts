import type { INestApplication } from '@nestjs/common';
import { REQUEST_CATEGORIES } from '@mutuo/contracts';
import { batchLoader, perRequest, badUserInput, requirePod, requireScope, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { MemberBlocksHandler } from './blocks/member-blocks.handler';
import { MemberBoundariesHandler } from './boundaries/member-boundaries.handler';
import { isUuid, type GeoPoint } from '@mutuo/domain';
import type { ProfileChanges } from '../domain/member-profile.decider';
import { CONTACT_CHANNEL_KINDS } from '../domain/profile-values';
import { MemberQueries } from '../shared/member.queries';
import { MemberPrivacy } from '../shared/member-privacy';
import { MemberProfileHandler } from './profile/member-profile.handler';
import type { ContactChannelDetails, MemberParent } from '../shared/member-details';
import { MemberSettingsQueries } from '../shared/member-settings.queries';

interface UpdateProfileArgs {
  input: {
    displayName?: string | null;
    pronouns?: string | null;
    languages?: string[] | null;
    skills?: string[] | null;
    location?: { cell?: string | null; precise?: GeoPoint | null } | null;
  };
}
interface AddContactChannelArgs {
  input: { kind: string; value: string; idempotencyKey?: string | null };
}
interface BoundariesArgs {
  input: {
    availability: { rrule: string; durationMinutes: number }[];
    weeklyCapacityHours: number;
    quietHours?: { start: string; end: string } | null;
    timezone?: string | null;
  };
}

/** `location.precise` needs to know whose location it is to decide who may see it. */
interface LocationParent {
  cell: string;
  member: MemberParent;
}

/** Profiles, contact channels, blocks, boundaries and pauses of members, with the privacy rules applied. */
export function memberSettingsResolvers(app: INestApplication) {
  const profiles = app.get(MemberProfileHandler);
  const blocks = app.get(MemberBlocksHandler);
  const boundaries = app.get(MemberBoundariesHandler);
  const settings = app.get(MemberSettingsQueries);
  const privacy = app.get(MemberPrivacy);
  const members = app.get(MemberQueries);
  // A member of another pod, found only when a standing match makes them the caller's counterpart.
  const counterpartOf = async (ctx: SubgraphContext, memberId: string) => {
    const podId = await privacy.counterpartPodOf(ctx, memberId);
    return podId ? members.byId(podId, memberId) : null;
  };

  const loaders = perRequest((ctx: SubgraphContext) => {
    const { podId } = requirePod(ctx);
    return {
      profile: batchLoader((ids) => settings.profiles(podId, ids)),
      boundaries: batchLoader((ids) => settings.boundaries(podId, ids)),
      pause: batchLoader((ids) => settings.pauses(podId, ids)),
      blockedBy: batchLoader((ids) => settings.blockedBy(podId, ids)),
    };
  });
  const profileOf = (member: MemberParent, ctx: SubgraphContext) => member.snapshot?.profile ?? loaders(ctx).profile.load(member.id);
  const pauseOf = async (member: MemberParent, ctx: SubgraphContext) =>
    member.snapshot ? member.snapshot.pause : ((await loaders(ctx).pause.load(member.id)) ?? null);

  return {
    Query: {
      member: async (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => {
        requireScope(ctx, 'members:read');
        const { podId } = requirePod(ctx);
        if (!isUuid(id)) throw badUserInput('id', 'A member id is a UUID');
        return privacy.visibleMember(ctx, (await members.byId(podId, id)) ?? (await counterpartOf(ctx, id)));
      },
    },
    Mutation: {
      updateProfile: (_: unknown, { input }: UpdateProfileArgs, ctx: SubgraphContext) => profiles.updateProfile(ctx, profileChanges(input)),
      addContactChannel: (_: unknown, { input }: AddContactChannelArgs, ctx: SubgraphContext) =>
        profiles.addContactChannel(ctx, { kind: fromGraphQLEnum(CONTACT_CHANNEL_KINDS, input.kind), value: input.value }, input.idempotencyKey ?? null),
      removeContactChannel: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => profiles.removeContactChannel(ctx, id),
      setPreferredChannel: (_: unknown, { id }: { id: string }, ctx: SubgraphContext) => profiles.setPreferredChannel(ctx, id),
      blockMember: (_: unknown, { memberId }: { memberId: string }, ctx: SubgraphContext) => blocks.block(ctx, memberId),
      unblockMember: (_: unknown, { memberId }: { memberId: string }, ctx: SubgraphContext) => blocks.unblock(ctx, memberId),
      setBoundaries: (_: unknown, { input }: BoundariesArgs, ctx: SubgraphContext) =>
        boundaries.setBoundaries(ctx, {
          availability: input.availability,
          weeklyCapacityHours: input.weeklyCapacityHours,
          quietHours: input.quietHours ?? null,
          timezone: input.timezone,
        }),
      stepBack: (_: unknown, args: { input?: { returnAt?: string | null } | null }, ctx: SubgraphContext) =>
        boundaries.stepBack(ctx, args.input?.returnAt ?? null),
      returnFromPause: (_: unknown, __: unknown, ctx: SubgraphContext) => boundaries.returnFromPause(ctx),
    },
    Member: {
      pronouns: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => (await profileOf(member, ctx))?.pronouns ?? null,
      // Until the read model has the member, they speak the language they joined with.
      languages: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => (await profileOf(member, ctx))?.languages ?? [member.preferredLanguage],
      skills: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => ((await profileOf(member, ctx))?.skills ?? []).map(toGraphQLEnum),
      location: async (member: MemberParent, _: unknown, ctx: SubgraphContext): Promise<LocationParent | null> => {
        const cell = (await profileOf(member, ctx))?.locationCell;
        return cell ? { cell, member } : null;
      },
      contactChannels: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => {
        const channels = await privacy.contactChannels(ctx, member);
        return channels?.map(contactChannel) ?? null;
      },
      // Whom someone blocked is theirs alone to know, coordinators included.
      blockedMemberIds: async (member: MemberParent, _: unknown, ctx: SubgraphContext) =>
        privacy.viewer(ctx).memberId === member.id ? ((await loaders(ctx).blockedBy.load(member.id)) ?? []) : null,
      boundaries: async (member: MemberParent, _: unknown, ctx: SubgraphContext) =>
        member.snapshot ? member.snapshot.boundaries : ((await loaders(ctx).boundaries.load(member.id)) ?? null),
      paused: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => (await pauseOf(member, ctx)) !== null,
      returnAt: async (member: MemberParent, _: unknown, ctx: SubgraphContext) => (await pauseOf(member, ctx))?.returnAt ?? null,
    },
    MemberLocation: {
      precise: (location: LocationParent, _: unknown, ctx: SubgraphContext) => privacy.precisePoint(ctx, location.member),
    },
  };
}

/** GraphQL gives `null` for a field sent as null and leaves out one not sent: only the latter means "unchanged". */
function profileChanges(input: UpdateProfileArgs['input']): ProfileChanges {
  const changes: { -readonly [Key in keyof ProfileChanges]: ProfileChanges[Key] } = {};
  if ('displayName' in input) {
    if (input.displayName == null) throw badUserInput('displayName', 'A display name cannot be removed; leave it out to keep it');
    changes.displayName = input.displayName;
  }
  if ('pronouns' in input) changes.pronouns = input.pronouns ?? null;
  if ('languages' in input) {
    if (input.languages == null) throw badUserInput('languages', 'Languages cannot be removed; leave them out to keep them');
    changes.languages = input.languages;
  }
  if ('skills' in input) changes.skills = (input.skills ?? []).map((skill) => fromGraphQLEnum(REQUEST_CATEGORIES, skill));
  if ('location' in input) changes.location = input.location ?? null;
  return changes;
}

function contactChannel(channel: ContactChannelDetails) {
  return {
    id: channel.channelId,
    kind: toGraphQLEnum(channel.kind),
    value: channel.value,
    verification: channel.verified ? 'VERIFIED' : 'UNVERIFIED',
    preferred: channel.preferred,
  };
}
