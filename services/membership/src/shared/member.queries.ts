import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';
import { MemberViewSchema, type MemberView } from './member.entity';

/** A member as a viewer finds them: and whether the two are in a block, whoever blocked whom. */
export interface MemberSeen {
  readonly member: MemberView;
  readonly blockedWithViewer: boolean;
}

interface MemberSeenRow {
  id: string;
  pod_id: string;
  person_id: string;
  display_name: string;
  preferred_language: string;
  /** The driver gives timestamptz as text here (MikroORM's pg type parsers). */
  joined_at: Date | string;
  status: MemberView['status'];
  left_at: Date | string | null;
  blocked_with_viewer: boolean;
}

/** Members are read inside the caller's pod only (row-level security): other pods' members do not exist here. */
@Injectable()
export class MemberQueries {
  constructor(private readonly em: EntityManager) {}

  byId(podId: string, memberId: string): Promise<MemberView | null> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(MemberViewSchema, { id: memberId }));
  }

  byIds(podId: string, memberIds: readonly string[]): Promise<MemberView[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(MemberViewSchema, { id: { $in: [...memberIds] } }));
  }

  /**
   * The members of `memberIds` in the pod, each with whether they and `viewerMemberId` are in a block: one query,
   * so a page of federated references costs one round trip however many members it names.
   */
  async byIdsSeenBy(podId: string, viewerMemberId: string | null, memberIds: readonly string[]): Promise<MemberSeen[]> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<MemberSeenRow>(
        tx,
        `select m.id, m.pod_id, m.person_id, m.display_name, m.preferred_language, m.joined_at, m.status, m.left_at,
                exists (select 1 from member_blocks b
                        where (b.blocker_member_id = ?::uuid and b.blocked_member_id = m.id)
                           or (b.blocked_member_id = ?::uuid and b.blocker_member_id = m.id)) as blocked_with_viewer
         from members m where m.id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
        [viewerMemberId, viewerMemberId, JSON.stringify(memberIds)],
      ),
    );
    return rows.map((row) => ({
      member: {
        id: row.id,
        podId: row.pod_id,
        personId: row.person_id,
        displayName: row.display_name,
        preferredLanguage: row.preferred_language,
        joinedAt: new Date(row.joined_at),
        status: row.status,
        leftAt: row.left_at === null ? null : new Date(row.left_at),
      },
      blockedWithViewer: row.blocked_with_viewer,
    }));
  }
}
