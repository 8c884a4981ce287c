import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { checkUuid } from '../funds.input';

/** Who belongs to which pod now, as funds heard it from membership (funds_members, pod-scoped by row-level security). */
@Injectable()
export class PodMembers {
  joined(em: EntityManager, memberId: string, podId: string, at: string): Promise<void> {
    return this.record(em, memberId, podId, true, at);
  }

  left(em: EntityManager, memberId: string, podId: string, at: string): Promise<void> {
    return this.record(em, memberId, podId, false, at);
  }

  /** The latest change wins, whatever order membership's events arrive in. */
  private async record(em: EntityManager, memberId: string, podId: string, active: boolean, at: string): Promise<void> {
    await query(
      em,
      `insert into funds_members (member_id, pod_id, active, changed_at) values (?, ?, ?, ?)
       on conflict (member_id) do update set active = excluded.active, changed_at = excluded.changed_at where funds_members.changed_at <= excluded.changed_at`,
      [memberId, podId, active, at],
    );
  }

  /**
   * The one check for every member id a funds command takes (a donor, a recipient, a member granted hours): an
   * active member of the caller's pod, not erased. Runs in the command's pod-scoped transaction, so another pod's
   * member is simply not found. Refuses with NOT_A_POD_MEMBER naming the field.
   */
  async requireActive(tx: EntityManager, podId: string, memberId: unknown, field: string): Promise<string> {
    const id = checkUuid(memberId, field);
    await setTransactionPod(tx, podId);
    const [row] = await query<{ ok: boolean }>(
      tx,
      `select true as ok from funds_members m
       where m.member_id = ? and m.pod_id = ? and m.active
         and not exists (select 1 from funds_former_members f where f.member_id = m.member_id)`,
      [id, podId],
    );
    if (!row) throw new DomainRuleViolation('NOT_A_POD_MEMBER', `${field} must be an active member of your pod`, field);
    return id;
  }
}
