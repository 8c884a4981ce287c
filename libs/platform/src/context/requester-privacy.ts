import { memberIdFor } from '@mutuo/contracts';
import type { Identity } from './request-context';

/** What a service knows about who asked for a request, wherever it keeps it. */
export interface RequesterFacts {
  readonly anonymous: boolean;
  /** The request's own pod. */
  readonly podId: string;
  readonly requesterMemberId: string | null;
  /** Who posted it, when a coordinator or dispatcher posted it for the requester. */
  readonly postedByMemberId?: string | null;
}

/**
 * Whether the caller may learn who asked. An anonymous request shows its requester only to the requester, to the
 * member who posted it for them and to the coordinators of the request's own pod: never to helpers, other pods or
 * partner clients. Every field that names the requester (or lets one find them) goes through this one rule.
 */
export function mayIdentifyRequester(request: RequesterFacts, identity: Identity | undefined): boolean {
  if (!request.anonymous) return true;
  if (!identity?.podId || identity.clientId !== undefined) return false;
  if (identity.podId === request.podId && identity.roles.includes('coordinator')) return true;
  const caller = memberIdFor(identity.podId, identity.subject);
  return caller === request.requesterMemberId || (request.postedByMemberId != null && caller === request.postedByMemberId);
}
