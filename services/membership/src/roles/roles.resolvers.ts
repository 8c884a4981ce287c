import type { INestApplication } from '@nestjs/common';
import { badUserInput, requirePod, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import type { RolePolicy } from '../domain/pod-roles.decider';
import { MemberQueries } from '../shared/member.queries';
import type { MemberView } from '../shared/member.entity';
import { PodRolesHandler, type HeldTerm } from './pod-roles.handler';
import { InvalidRoleHistoryCursor, RoleQueries, encodeRoleHistoryCursor } from '../shared/role.queries';
import type { RoleHistoryEntryView, RoleTermView } from '../shared/role-views.entity';

const MAX_PAGE = 100;

/** A term as the API shows it, from the read model or straight from a command; `member` is resolved in bulk. */
interface RoleTermNode {
  id: string;
  podId: string;
  memberId: string;
  role: string;
  termStart: string;
  termEnd: string;
  graceUntil: string | null;
  consecutiveTerms: number;
  status: string;
  member?: MemberView | null;
}

interface RoleHistoryNode extends RoleHistoryEntryView {
  member?: MemberView | null;
  toMember?: MemberView | null;
  actor?: MemberView | null;
}

interface PolicyInput {
  podId?: string | null;
  termLengthDays?: number | null;
  maxConsecutiveTerms?: number | null;
  termEndingNoticeDays?: number | null;
  coordinatorGraceDays?: number | null;
  customRoles?: string[] | null;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function fromView(term: RoleTermView): RoleTermNode {
  return {
    id: term.termId,
    podId: term.podId,
    memberId: term.memberId,
    role: term.role,
    termStart: iso(term.termStart)!,
    termEnd: iso(term.termEnd)!,
    graceUntil: iso(term.graceUntil),
    consecutiveTerms: term.consecutiveTerms,
    status: term.status,
  };
}

function fromCommand(term: HeldTerm): RoleTermNode {
  const { termId, podId, memberId, role, termStart, termEnd, graceUntil, consecutiveTerms, status } = term;
  return { id: termId, podId, memberId, role, termStart, termEnd, graceUntil, consecutiveTerms, status };
}

/** Rotating roles in the membership subgraph: mutations, `Pod.roles/rolePolicy/roleHistory` and `Member.roles`. */
export function rolesResolvers(app: INestApplication) {
  const commands = app.get(PodRolesHandler);
  const roles = app.get(RoleQueries);
  const members = app.get(MemberQueries);

  /** One query for all the members a list mentions; members the caller cannot see resolve to null. */
  async function membersById(podId: string, ids: readonly (string | null)[]): Promise<Map<string, MemberView>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const found = wanted.length > 0 ? await members.byIds(podId, wanted) : [];
    return new Map(found.map((member) => [member.id, member]));
  }

  async function withMembers(podId: string, terms: RoleTermNode[]): Promise<RoleTermNode[]> {
    const byId = await membersById(
      podId,
      terms.map((term) => term.memberId),
    );
    return terms.map((term) => ({ ...term, member: byId.get(term.memberId) ?? null }));
  }

  /** Terms come back from commands in the caller's pod, or in the pod a steward named (whose members they cannot see). */
  async function resolvedTerm(term: HeldTerm, ctx: SubgraphContext): Promise<RoleTermNode> {
    const node = fromCommand(term);
    if (ctx.identity?.podId !== term.podId) return { ...node, member: null };
    return (await withMembers(term.podId, [node]))[0]!;
  }

  return {
    Mutation: {
      grantRole: async (_: unknown, { input }: { input: { podId?: string | null; memberId: string; role: string } }, ctx: SubgraphContext) =>
        resolvedTerm(await commands.grant(input, ctx), ctx),
      renewRoleTerm: async (_: unknown, { input }: { input: { memberId: string; role: string } }, ctx: SubgraphContext) =>
        resolvedTerm(await commands.renew(input, ctx), ctx),
      handOverRole: async (_: unknown, { input }: { input: { role: string; toMemberId: string } }, ctx: SubgraphContext) =>
        resolvedTerm(await commands.handOver(input, ctx), ctx),
      stepDownFromRole: async (_: unknown, { input }: { input: { role: string } }, ctx: SubgraphContext) =>
        resolvedTerm(await commands.stepDown(input, ctx), ctx),
      setRolePolicy: async (_: unknown, { input }: { input: PolicyInput }, ctx: SubgraphContext): Promise<RolePolicy> => {
        const { podId, ...changes } = input;
        return (await commands.setPolicy({ podId, changes }, ctx)).policy;
      },
    },
    Pod: {
      roles: async (pod: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = requirePod(ctx).podId;
        if (pod.id !== podId) return [];
        return withMembers(podId, (await roles.currentTermsOfPod(podId)).map(fromView));
      },
      rolePolicy: (pod: { id: string }, _: unknown, ctx: SubgraphContext) => roles.policyOf(requirePod(ctx).podId),
      roleHistory: async (pod: { id: string }, args: { first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        const first = args.first ?? 20;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badUserInput('first', `first must be 1 to ${MAX_PAGE}`);
        const podId = requirePod(ctx).podId;
        if (pod.id !== podId) return { edges: [], endCursor: null, hasNextPage: false };
        let page;
        try {
          page = await roles.history(podId, first, args.after);
        } catch (error) {
          if (error instanceof InvalidRoleHistoryCursor) throw badUserInput('after', error.message);
          throw error;
        }
        const byId = await membersById(
          podId,
          page.items.flatMap((entry) => [entry.memberId, entry.toMemberId, entry.actorMemberId]),
        );
        const pick = (id: string | null) => (id === null ? null : (byId.get(id) ?? null));
        return {
          edges: page.items.map((entry) => ({
            cursor: encodeRoleHistoryCursor(entry),
            node: { ...entry, member: pick(entry.memberId), toMember: pick(entry.toMemberId), actor: pick(entry.actorMemberId) } satisfies RoleHistoryNode,
          })),
          endCursor: page.endCursor,
          hasNextPage: page.hasNextPage,
        };
      },
    },
    Member: {
      roles: async (member: MemberView, _: unknown, ctx: SubgraphContext) => {
        const podId = requirePod(ctx).podId;
        if (member.podId !== podId) return [];
        return (await roles.currentTermsOfMember(podId, member.id)).map((term) => ({ ...fromView(term), member }));
      },
    },
    RoleTerm: {
      status: (term: RoleTermNode) => toGraphQLEnum(term.status),
    },
    RoleHistoryEntry: {
      kind: (entry: RoleHistoryNode) => toGraphQLEnum(entry.kind),
      occurredAt: (entry: RoleHistoryNode) => iso(entry.occurredAt),
      termEnd: (entry: RoleHistoryNode) => detail<string>(entry, 'termEnd'),
      consecutiveTerms: (entry: RoleHistoryNode) => detail<number>(entry, 'consecutiveTerms'),
      grantedVia: (entry: RoleHistoryNode) => enumDetail(entry, 'via'),
      renewable: (entry: RoleHistoryNode) => detail<boolean>(entry, 'renewable'),
      gapReason: (entry: RoleHistoryNode) => enumDetail(entry, 'reason'),
      graceUntil: (entry: RoleHistoryNode) => detail<string>(entry, 'graceUntil'),
      policy: (entry: RoleHistoryNode) => (entry.kind === 'policy-set' ? entry.details : null),
    },
  };
}

function detail<T>(entry: RoleHistoryNode, key: string): T | null {
  return (entry.details[key] as T | undefined) ?? null;
}

function enumDetail(entry: RoleHistoryNode, key: string): string | null {
  const value = detail<string>(entry, key);
  return value === null ? null : toGraphQLEnum(value);
}
