import { memberIdFor } from '@mutuo/contracts';
import type { RequestContext } from '@mutuo/platform';

export const COORDINATOR_ROLE = 'coordinator';

/** Who is looking at a member, as far as privacy is concerned. Built once per request (MemberPrivacy.viewer). */
export interface Viewer {
  /** The caller's member id in the pod of their token; null without a pod. */
  readonly memberId: string | null;
  readonly podId: string | null;
  readonly roles: readonly string[];
}

export interface ViewedMember {
  readonly id: string;
  readonly podId: string;
}

export function viewerOf(ctx: RequestContext): Viewer {
  const identity = ctx.identity;
  if (!identity) return { memberId: null, podId: null, roles: [] };
  const podId = identity.podId ?? null;
  return { memberId: podId ? memberIdFor(podId, identity.subject) : null, podId, roles: identity.roles };
}

/**
 * The one rule for precise location, and the base rule for contact channels: the member themself and the
 * coordinators of the member's pod see them; everyone else gets null. Every resolver of those fields asks this
 * module and nothing else, so extending who may see them happens here only.
 */
export function canSeePrivateDetails(viewer: Viewer, member: ViewedMember): boolean {
  if (viewer.podId === null || viewer.podId !== member.podId) return false;
  if (viewer.memberId === member.id) return true;
  return viewer.roles.includes(COORDINATOR_ROLE);
}

/**
 * Contact channels: whoever may see private details, and also the viewer's counterpart in an accepted match that
 * still stands (matching.match-made.v1 until match-withdrawn.v1), in whichever pod each of them is.
 * `matchedWithViewer` says whether such a match joins the viewer and the member.
 */
export function canSeeContactChannels(viewer: Viewer, member: ViewedMember, matchedWithViewer: boolean): boolean {
  if (canSeePrivateDetails(viewer, member)) return true;
  return matchedWithViewer && viewer.memberId !== null && viewer.memberId !== member.id;
}
