import { EntitySchema } from '@mikro-orm/postgresql';

export type RoleTermStatus = 'active' | 'grace' | 'ended';
export type RoleTermEndReason = 'renewed' | 'handed-over' | 'stepped-down' | 'lapsed';

/** One term of one member in one role; current terms have status active or grace. */
export interface RoleTermView {
  termId: string;
  podId: string;
  memberId: string;
  role: string;
  termStart: Date;
  termEnd: Date;
  warnFrom: Date;
  consecutiveTerms: number;
  warnedAt: Date | null;
  graceUntil: Date | null;
  status: RoleTermStatus;
  endedAt: Date | null;
  endReason: RoleTermEndReason | null;
}

export const RoleTermViewSchema = new EntitySchema<RoleTermView>({
  name: 'RoleTermView',
  tableName: 'role_terms',
  properties: {
    termId: { type: 'uuid', primary: true, fieldName: 'term_id' },
    podId: { type: 'uuid', fieldName: 'pod_id' },
    memberId: { type: 'uuid', fieldName: 'member_id' },
    role: { type: 'text' },
    termStart: { type: 'Date', columnType: 'timestamptz', fieldName: 'term_start' },
    termEnd: { type: 'Date', columnType: 'timestamptz', fieldName: 'term_end' },
    warnFrom: { type: 'Date', columnType: 'timestamptz', fieldName: 'warn_from' },
    consecutiveTerms: { type: 'integer', fieldName: 'consecutive_terms' },
    warnedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'warned_at', nullable: true },
    graceUntil: { type: 'Date', columnType: 'timestamptz', fieldName: 'grace_until', nullable: true },
    status: { type: 'text' },
    endedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'ended_at', nullable: true },
    endReason: { type: 'text', fieldName: 'end_reason', nullable: true },
  },
});

/** A pod's role policy once it set one; pods without a row use the defaults. */
export interface RolePolicyView {
  podId: string;
  termLengthDays: number;
  maxConsecutiveTerms: number;
  termEndingNoticeDays: number;
  coordinatorGraceDays: number;
  customRoles: string[];
  updatedAt: Date;
}

export const RolePolicyViewSchema = new EntitySchema<RolePolicyView>({
  name: 'RolePolicyView',
  tableName: 'role_policies',
  properties: {
    podId: { type: 'uuid', primary: true, fieldName: 'pod_id' },
    termLengthDays: { type: 'integer', fieldName: 'term_length_days' },
    maxConsecutiveTerms: { type: 'integer', fieldName: 'max_consecutive_terms' },
    termEndingNoticeDays: { type: 'integer', fieldName: 'term_ending_notice_days' },
    coordinatorGraceDays: { type: 'integer', fieldName: 'coordinator_grace_days' },
    customRoles: { type: 'json', columnType: 'jsonb', fieldName: 'custom_roles' },
    updatedAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'updated_at' },
  },
});

export type RoleHistoryKind =
  'policy-set' | 'granted' | 'renewed' | 'handed-over' | 'stepped-down' | 'term-ending-warned' | 'lapsed' | 'coordinator-gap-alerted';

/** One role event of a pod; `position` is the event's place in the pod's roles stream. */
export interface RoleHistoryEntryView {
  podId: string;
  position: number;
  kind: RoleHistoryKind;
  role: string | null;
  memberId: string | null;
  toMemberId: string | null;
  actorMemberId: string | null;
  occurredAt: Date;
  details: Record<string, unknown>;
}

export const RoleHistoryEntryViewSchema = new EntitySchema<RoleHistoryEntryView>({
  name: 'RoleHistoryEntryView',
  tableName: 'role_history',
  properties: {
    podId: { type: 'uuid', primary: true, fieldName: 'pod_id' },
    position: { type: 'integer', primary: true },
    kind: { type: 'text' },
    role: { type: 'text', nullable: true },
    memberId: { type: 'uuid', fieldName: 'member_id', nullable: true },
    toMemberId: { type: 'uuid', fieldName: 'to_member_id', nullable: true },
    actorMemberId: { type: 'uuid', fieldName: 'actor_member_id', nullable: true },
    occurredAt: { type: 'Date', columnType: 'timestamptz', fieldName: 'occurred_at' },
    details: { type: 'json', columnType: 'jsonb' },
  },
});

export const ROLE_VIEW_ENTITIES = [RoleTermViewSchema, RolePolicyViewSchema, RoleHistoryEntryViewSchema];
