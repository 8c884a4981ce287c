import { actingMember, type SubgraphContext } from '@mutuo/platform';

/** The member's pod when the caller is that member, otherwise null: an inbox and its settings are private. */
export function ownMemberPod(member: { id: string }, ctx: SubgraphContext): string | null {
  const { podId, memberId } = actingMember(ctx);
  return memberId === member.id ? podId : null;
}
