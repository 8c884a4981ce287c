import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { StreamVersionConflict } from '@mutuo/event-store';
import type { RequestMatchingCommand } from '../domain/request-matching.commands';
import { requestMatchingStream, type SuggestHelpersService } from './suggest-helpers.service';

/**
 * Decides a person's command on the request's matching stream; returns the request's match after it, if any (an
 * idempotent repeat makes none). A race lost even after the handler's retries is told as "reload and try again".
 */
export async function decideOnRequest(
  suggestions: SuggestHelpersService,
  tx: EntityManager,
  podId: string,
  requestId: string,
  command: RequestMatchingCommand,
): Promise<string | null> {
  try {
    const { newEvents, state } = await suggestions.commands.handle(tx, requestMatchingStream(podId, requestId), command);
    const made = newEvents.find((event) => event.type === 'MatchMade');
    if (made) return (made.data as { matchId: string }).matchId;
    return state.status === 'matched' ? state.match.matchId : null;
  } catch (error) {
    if (error instanceof StreamVersionConflict) {
      throw new DomainRuleViolation('CONCURRENT_CHANGE', 'Someone else changed this request at the same moment: reload it and try again', 'requestId');
    }
    throw error;
  }
}
