import { memberIdFor } from '@mutuo/contracts';
import { requirePod, type SubgraphContext } from '@mutuo/platform';

/** The member's pod when the caller is that member, otherwise null: an inbox and its settings are private. */
export function ownMemberPod(member: { id: string }, ctx: SubgraphContext): string | null {
  const { identity, podId } = requirePod(ctx);
  return memberIdFor(podId, identity.subject) === member.id ? podId : null;
}
