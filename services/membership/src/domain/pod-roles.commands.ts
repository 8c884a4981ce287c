import type { Command } from '@mutuo/domain';
import type { RolePolicy } from './pod-roles.state';

/** What coordinators, members, stewards and the term scheduler ask of a pod's roles. */

/**
 * What the caller may claim, as the handler found it in their verified token. The decider still checks
 * coordinator claims against the terms it holds: a token issued before a term ended must not outlive it.
 */
export interface RoleAuthority {
  readonly actorMemberId: string;
  /** The token lists `coordinator` for this pod. */
  readonly coordinatorClaim: boolean;
  /** An operator, or a region steward of the pod's region: may appoint a coordinator when the pod has none. */
  readonly stewardClaim: boolean;
}

export type RolePolicyChanges = { readonly [K in keyof RolePolicy]?: RolePolicy[K] | null };

export type SetRolePolicy = Command<'SetRolePolicy', { podId: string; authority: RoleAuthority; changes: RolePolicyChanges }>;
/** `memberActive`: the handler looked the member up in the pod. */
export type GrantRole = Command<
  'GrantRole',
  { podId: string; termId: string; memberId: string; role: string; memberActive: boolean; authority: RoleAuthority }
>;
export type RenewTerm = Command<'RenewTerm', { podId: string; termId: string; memberId: string; role: string; authority: RoleAuthority }>;
/** The caller hands their own role to another member. */
export type HandOver = Command<'HandOver', { podId: string; termId: string; role: string; fromMemberId: string; toMemberId: string; toMemberActive: boolean }>;
export type StepDown = Command<'StepDown', { podId: string; role: string; memberId: string }>;
/** Issued by the scheduler: harmless when early, late or repeated. */
export type WarnTermEnding = Command<'WarnTermEnding', { podId: string; memberId: string; role: string }>;
export type LapseTerm = Command<'LapseTerm', { podId: string; memberId: string; role: string }>;

export type PodRolesCommand = SetRolePolicy | GrantRole | RenewTerm | HandOver | StepDown | WarnTermEnding | LapseTerm;
