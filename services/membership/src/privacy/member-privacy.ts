import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import type { RequestContext } from '@mutuo/platform';
import type { GeoPoint } from '@mutuo/domain';
import type { ContactChannelKind } from '../domain/profile-values';
import { BatchLoader, perRequest } from '../member-settings/batch-loader';
import type { ContactChannelDetails, MemberParent } from '../member-settings/member-details';
import { MEMBER_IN_LIST, MemberSettingsQueries } from '../member-settings/member-settings.queries';
import { canSeePrivateDetails, viewerOf, type Viewer } from './member-visibility';

interface ChannelRow {
  channel_id: string;
  member_id: string;
  kind: ContactChannelKind;
  value: string;
  verified: boolean;
  preferred: boolean;
}

/**
 * The gate in front of everything private about a member. Contact channels and precise points are read
 * from their tables only here, only after `canSeePrivateDetails` said yes; and members in a block with
 * the viewer are hidden altogether.
 */
@Injectable()
export class MemberPrivacy {
  private readonly loaders = perRequest((ctx: RequestContext) => {
    const viewer = viewerOf(ctx);
    return {
      viewer,
      channels: new BatchLoader((ids) => this.readChannels(viewer.podId!, ids)),
      precise: new BatchLoader((ids) => this.readPrecisePoints(viewer.podId!, ids)),
      blocked: new BatchLoader(async (ids) => {
        const blocked = viewer.memberId ? await this.settings.blockedWith(viewer.podId!, viewer.memberId, ids) : new Set<string>();
        return new Map(ids.map((id) => [id, blocked.has(id)]));
      }),
    };
  });

  constructor(
    private readonly em: EntityManager,
    private readonly settings: MemberSettingsQueries,
  ) {}

  viewer(ctx: RequestContext): Viewer {
    return this.for(ctx).viewer;
  }

  /** The member as this viewer may see them: null when the two are in a block, whoever blocked whom. */
  async visibleMember<Member extends MemberParent>(ctx: RequestContext, member: Member | null): Promise<Member | null> {
    if (!member) return null;
    const { viewer, blocked } = this.for(ctx);
    if (viewer.podId !== member.podId) return null;
    if (viewer.memberId === member.id) return member;
    return (await blocked.load(member.id)) ? null : member;
  }

  /** Null unless the viewer may see private details; then the member's channels, preferred one first. */
  async contactChannels(ctx: RequestContext, member: MemberParent): Promise<readonly ContactChannelDetails[] | null> {
    const { viewer, channels } = this.for(ctx);
    if (!canSeePrivateDetails(viewer, member)) return null;
    if (member.snapshot) return member.snapshot.privateDetails.contactChannels;
    return (await channels.load(member.id)) ?? [];
  }

  /** Null unless the viewer may see private details and the member opted in to share a precise point. */
  async precisePoint(ctx: RequestContext, member: MemberParent): Promise<GeoPoint | null> {
    const { viewer, precise } = this.for(ctx);
    if (!canSeePrivateDetails(viewer, member)) return null;
    if (member.snapshot) return member.snapshot.privateDetails.precise;
    return (await precise.load(member.id)) ?? null;
  }

  private for(ctx: RequestContext) {
    return this.loaders(ctx);
  }

  private async readChannels(podId: string, memberIds: readonly string[]): Promise<Map<string, ContactChannelDetails[]>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<ChannelRow>(
        tx,
        `select channel_id, member_id, kind, value, verified, preferred from member_contact_channels
         where ${MEMBER_IN_LIST} order by preferred desc, added_at, channel_id`,
        [JSON.stringify(memberIds)],
      ),
    );
    const byMember = new Map<string, ContactChannelDetails[]>();
    for (const row of rows) {
      const list = byMember.get(row.member_id) ?? [];
      list.push({ channelId: row.channel_id, kind: row.kind, value: row.value, verified: row.verified, preferred: row.preferred });
      byMember.set(row.member_id, list);
    }
    return byMember;
  }

  private async readPrecisePoints(podId: string, memberIds: readonly string[]): Promise<Map<string, GeoPoint>> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ member_id: string; lat: number; lon: number }>(tx, `select member_id, lat, lon from member_precise_locations where ${MEMBER_IN_LIST}`, [
        JSON.stringify(memberIds),
      ]),
    );
    return new Map(rows.map((row) => [row.member_id, { lat: row.lat, lon: row.lon }]));
  }
}
