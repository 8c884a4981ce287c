import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { RequestCategory } from '@mutuo/contracts';
import { inPodTransaction, query } from '@mutuo/event-store';
import type { AvailabilityWindow, Boundaries } from '../domain/member-boundaries.decider';
import { PAUSE_SCAN_SETTING, PAUSE_SCAN_VALUE } from './policy-settings';
import type { PauseDetails, PublicProfile } from './member-details';

/** `member_id in (...)` for a list passed as one JSON parameter. */
export const MEMBER_IN_LIST = 'member_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))';

interface ProfileRow {
  member_id: string;
  pronouns: string | null;
  languages: string[];
  skills: RequestCategory[];
  location_cell: string | null;
}
interface BoundariesRow {
  member_id: string;
  availability: AvailabilityWindow[];
  weekly_capacity_hours: number;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  timezone: string;
}
/** The driver gives timestamptz as text here (MikroORM's pg type parsers); `iso` reads either. */
interface PauseRow {
  member_id: string;
  paused_at: Date | string;
  return_at: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export interface DueReturn {
  readonly memberId: string;
  readonly podId: string;
}

/** Public member settings, read inside one pod (row-level security). */
@Injectable()
export class MemberSettingsQueries {
  constructor(private readonly em: EntityManager) {}

  async profiles(podId: string, memberIds: readonly string[]): Promise<Map<string, PublicProfile>> {
    const rows = await this.inPod<ProfileRow>(
      podId,
      `select member_id, pronouns, languages, skills, location_cell from member_profiles where ${MEMBER_IN_LIST}`,
      [JSON.stringify(memberIds)],
    );
    return new Map(
      rows.map((row) => [row.member_id, { pronouns: row.pronouns, languages: row.languages, skills: row.skills, locationCell: row.location_cell }]),
    );
  }

  async boundaries(podId: string, memberIds: readonly string[]): Promise<Map<string, Boundaries>> {
    const rows = await this.inPod<BoundariesRow>(
      podId,
      `select member_id, availability, weekly_capacity_hours, quiet_hours_start, quiet_hours_end, timezone
       from member_boundaries where ${MEMBER_IN_LIST}`,
      [JSON.stringify(memberIds)],
    );
    return new Map(
      rows.map((row) => [
        row.member_id,
        {
          availability: row.availability,
          weeklyCapacityHours: row.weekly_capacity_hours,
          quietHours: row.quiet_hours_start && row.quiet_hours_end ? { start: row.quiet_hours_start, end: row.quiet_hours_end } : null,
          timezone: row.timezone,
        },
      ]),
    );
  }

  async pauses(podId: string, memberIds: readonly string[]): Promise<Map<string, PauseDetails>> {
    const rows = await this.inPod<PauseRow>(podId, `select member_id, paused_at, return_at from member_pauses where ${MEMBER_IN_LIST}`, [
      JSON.stringify(memberIds),
    ]);
    return new Map(rows.map((row) => [row.member_id, { pausedAt: iso(row.paused_at), returnAt: row.return_at === null ? null : iso(row.return_at) }]));
  }

  /** Which of `memberIds` are in a block with `viewerId`, whoever blocked whom. */
  async blockedWith(podId: string, viewerId: string, memberIds: readonly string[]): Promise<Set<string>> {
    const rows = await this.inPod<{ member_id: string }>(
      podId,
      `select blocked_member_id as member_id from member_blocks
         where blocker_member_id = ? and blocked_member_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))
       union
       select blocker_member_id from member_blocks
         where blocked_member_id = ? and blocker_member_id in (select value::uuid from jsonb_array_elements_text(?::jsonb))`,
      [viewerId, JSON.stringify(memberIds), viewerId, JSON.stringify(memberIds)],
    );
    return new Set(rows.map((row) => row.member_id));
  }

  /** Whom each of `memberIds` blocked, in the order they did. */
  async blockedBy(podId: string, memberIds: readonly string[]): Promise<Map<string, string[]>> {
    const rows = await this.inPod<{ blocker_member_id: string; blocked_member_id: string }>(
      podId,
      `select blocker_member_id, blocked_member_id from member_blocks
       where blocker_member_id in (select value::uuid from jsonb_array_elements_text(?::jsonb)) order by blocked_at, blocked_member_id`,
      [JSON.stringify(memberIds)],
    );
    const byBlocker = new Map<string, string[]>();
    for (const row of rows) byBlocker.set(row.blocker_member_id, [...(byBlocker.get(row.blocker_member_id) ?? []), row.blocked_member_id]);
    return byBlocker;
  }

  /** Members of any pod whose return date has passed, oldest first. */
  async dueReturns(now: Date, limit: number): Promise<DueReturn[]> {
    const rows = await this.acrossPods<{ member_id: string; pod_id: string }>(
      'select member_id, pod_id from member_pauses where return_at <= ? order by return_at limit ?',
      [now.toISOString(), limit],
    );
    return rows.map((row) => ({ memberId: row.member_id, podId: row.pod_id }));
  }

  /** The earliest return date still ahead, in any pod. */
  async nextReturnAfter(now: Date): Promise<Date | null> {
    const [row] = await this.acrossPods<{ next: Date | string | null }>('select min(return_at) as next from member_pauses where return_at > ?', [
      now.toISOString(),
    ]);
    return row?.next ? new Date(row.next) : null;
  }

  private inPod<Row>(podId: string, sql: string, params: readonly unknown[]): Promise<Row[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => query<Row>(tx, sql, params));
  }

  private acrossPods<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [PAUSE_SCAN_SETTING, PAUSE_SCAN_VALUE]);
      return query<Row>(tx, sql, params);
    });
  }
}
