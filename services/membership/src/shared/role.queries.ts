import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { cursorKey, opaqueCursor } from '@mutuo/platform';
import { DEFAULT_ROLE_POLICY, type RolePolicy } from '../domain/pod-roles.decider';
import { RoleHistoryEntryViewSchema, RolePolicyViewSchema, RoleTermViewSchema, type RoleHistoryEntryView, type RoleTermView } from './role-views.entity';

export interface RoleHistoryPage {
  readonly items: RoleHistoryEntryView[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

export class InvalidRoleHistoryCursor extends Error {
  constructor() {
    super('The cursor is not one this API returned');
  }
}

const CURRENT = { status: { $ne: 'ended' } } as const;

/** Reads of the role read models, always inside the caller's pod (row-level security). */
@Injectable()
export class RoleQueries {
  constructor(private readonly em: EntityManager) {}

  /** Who holds which role now, by role then by who has held it longest. */
  currentTermsOfPod(podId: string): Promise<RoleTermView[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      tx.find(RoleTermViewSchema, { podId, ...CURRENT }, { orderBy: [{ role: 'asc' }, { termStart: 'asc' }, { termId: 'asc' }] }),
    );
  }

  currentTermsOfMember(podId: string, memberId: string): Promise<RoleTermView[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(RoleTermViewSchema, { podId, memberId, ...CURRENT }, { orderBy: [{ role: 'asc' }] }));
  }

  async policyOf(podId: string): Promise<RolePolicy> {
    const row = await inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(RolePolicyViewSchema, { podId }));
    if (!row) return DEFAULT_ROLE_POLICY;
    const { termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, customRoles } = row;
    return { termLengthDays, maxConsecutiveTerms, termEndingNoticeDays, coordinatorGraceDays, customRoles };
  }

  /** Newest first; the cursor is the entry's position in the pod's roles stream, which never changes. */
  history(podId: string, first: number, after?: string | null): Promise<RoleHistoryPage> {
    const before = after ? decodeRoleHistoryCursor(after) : undefined;
    return inPodTransaction(this.em.fork(), podId, async (tx) => {
      const rows = await tx.find(
        RoleHistoryEntryViewSchema,
        { podId, ...(before !== undefined ? { position: { $lt: before } } : {}) },
        { orderBy: { position: 'desc' }, limit: first + 1 },
      );
      const items = rows.slice(0, first);
      const last = items[items.length - 1];
      return { items, endCursor: last ? encodeRoleHistoryCursor(last) : null, hasNextPage: rows.length > first };
    });
  }
}

export function encodeRoleHistoryCursor(entry: Pick<RoleHistoryEntryView, 'position'>): string {
  return opaqueCursor(`role-history:${entry.position}`);
}

function decodeRoleHistoryCursor(cursor: string): number {
  const match = /^role-history:([1-9][0-9]{0,9})$/.exec(cursorKey(cursor));
  if (!match) throw new InvalidRoleHistoryCursor();
  return Number(match[1]);
}
