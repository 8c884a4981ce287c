import { eventMetadataFrom } from '@mutuo/domain';
import type { WithdrawEscalation } from './request-matching.commands';
import type { EscalationWithdrawn } from './request-matching.events';
import type { RequestMatchingState } from './request-matching.state';

/**
 * A pod left the region: an escalation never crosses a region's boundary, so the open suggestions to helpers on the
 * other side are withdrawn. When the request's own pod left, that is every helper outside it and the escalation ends
 * (the request may be escalated again among the neighbours of a region the pod joins); when a neighbour left, only
 * its helpers. A match already made stays: both people said yes, and the help goes on.
 */
export function withdrawEscalation(command: WithdrawEscalation, state: RequestMatchingState): EscalationWithdrawn[] {
  if (state.status === 'untracked' || state.status === 'closed' || state.escalatedAt === null) return [];
  const { leftPodId, regionId } = command.data;
  const { podId, requestId } = state.request;
  const escalationEnded = podId === leftPodId;
  const across = (helperPodId: string) => (escalationEnded ? helperPodId !== podId : helperPodId === leftPodId);
  const suggestionIds = Object.values(state.suggestions)
    .filter((suggestion) => suggestion.status === 'open' && across(suggestion.helperPodId))
    .map((suggestion) => suggestion.suggestionId)
    .sort();
  if (!escalationEnded && suggestionIds.length === 0) return [];
  return [
    {
      type: 'EscalationWithdrawn',
      data: { requestId, podId, leftPodId, regionId, reason: 'pod-left-region', suggestionIds, escalationEnded, withdrawnAt: command.metadata.now },
      metadata: eventMetadataFrom(command.metadata),
    },
  ];
}
