import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { batchLoader, perRequest, type RequestContext } from '@mutuo/platform';
import type { GeoPoint } from '@mutuo/domain';
import type { ContactChannelKind } from '../domain/profile-values';
import type { ContactChannelDetails, MemberParent } from './member-details';
import type { MemberSeen } from './member.queries';
import { MEMBER_IN_LIST, MemberSettingsQueries } from './member-settings.queries';
import { canSeeContactChannels, canSeePrivateDetails, viewerOf, type Viewer } from './member-visibility';

/** Runs `read` once, on first use, and gives its answer after. */
function lazily<T>(read: () => Promise<T>): () => Promise<T> {
  let answer: Promise<T> | undefined;
  return () => (answer ??= read());
}

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
      channels: batchLoader((ids) => this.readChannels(viewer.podId!, ids)),
      precise: batchLoader((ids) => this.readPrecisePoints(viewer.podId!, ids)),
      // The viewer's counterparts in standing matches (member id → their pod), read once per request.
      counterparts: lazily(() => this.readCounterparts(viewer.memberId)),
      blocked: batchLoader(async (ids) => {
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

  /**
   * The pod of a member of another pod whom the viewer may see as their counterpart in a standing match; null for
   * anyone else. Lets a requester and a helper of different pods reach each other's member entity.
   */
  async counterpartPodOf(ctx: RequestContext, memberId: string): Promise<string | null> {
    return (await this.for(ctx).counterparts()).get(memberId) ?? null;
  }

  /**
   * The member as this viewer may see them: null when the two are in a block, whoever blocked whom, or when the
   * member is of another pod and no standing match joins them.
   */
  async visibleMember<Member extends MemberParent>(ctx: RequestContext, member: Member | null): Promise<Member | null> {
    if (!member) return null;
    const { viewer, blocked, counterparts } = this.for(ctx);
    if (viewer.podId !== member.podId) return (await counterparts()).get(member.id) === member.podId ? member : null;
    if (viewer.memberId === member.id) return member;
    return (await blocked.load(member.id)) ? null : member;
  }

  /**
   * Keeps what a read of members already said about blocks with the viewer (MemberQueries.byIdsSeenBy), so
   * `visibleMember` asks the database nothing more for them.
   */
  rememberBlocks(ctx: RequestContext, seen: readonly MemberSeen[]): void {
    const { blocked } = this.for(ctx);
    for (const { member, blockedWithViewer } of seen) blocked.prime(member.id, blockedWithViewer);
  }

  /** Null unless the viewer may see the member's channels (canSeeContactChannels); then their channels, preferred one first. */
  async contactChannels(ctx: RequestContext, member: MemberParent): Promise<readonly ContactChannelDetails[] | null> {
    const { viewer, channels, counterparts } = this.for(ctx);
    if (!canSeePrivateDetails(viewer, member)) {
      const matched = (await counterparts()).get(member.id) === member.podId;
      if (!canSeeContactChannels(viewer, member, matched)) return null;
    }
    if (member.snapshot) return member.snapshot.privateDetails.contactChannels;
    // A counterpart of another pod: their channels are read in their pod.
    if (member.podId !== viewer.podId) return (await this.readChannels(member.podId, [member.id])).get(member.id) ?? [];
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

  private async readCounterparts(viewerMemberId: string | null): Promise<Map<string, string>> {
    if (viewerMemberId === null) return new Map();
    const rows = await query<{ member_id: string; pod_id: string }>(
      this.em.fork(),
      `select helper_member_id as member_id, helper_pod_id as pod_id from match_counterparts where requester_member_id = ? and withdrawn_at is null
       union
       select requester_member_id, requester_pod_id from match_counterparts where helper_member_id = ? and withdrawn_at is null`,
      [viewerMemberId, viewerMemberId],
    );
    return new Map(rows.map((row) => [row.member_id, row.pod_id]));
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
