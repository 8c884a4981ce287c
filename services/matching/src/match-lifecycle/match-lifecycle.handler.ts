import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation, type CommandMetadata } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { Clock } from '@mutuo/service-kit';
import { actingMember, commandMetadataFrom, type RequestContext } from '@mutuo/platform';
import type { ExclusionReason } from '../domain/helper-scoring';
import type { RequestMatchingCommand } from '../domain/request-matching.commands';
import { DISPATCH_ROLES } from '../shared/dispatch-roles';
import { decideOnRequest } from '../shared/decide-on-request';
import { SuggestHelpersService } from '../shared/suggest-helpers.service';

interface SuggestionLocation {
  request_id: string;
  pod_id: string;
}

/**
 * People decide: helpers accept or decline, requesters confirm, dispatchers assign or override, anyone in a match may
 * withdraw. The caller's member id always comes from their token, never from the input. Each command runs in one
 * transaction against the request's stream; a lost race is decided again on the new state, so the loser gets the
 * business reason (e.g. "already matched"), and a conflict that persists is reported as "reload and try again".
 */
@Injectable()
export class MatchLifecycleHandler {
  constructor(
    private readonly em: EntityManager,
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
  ) {}

  accept(ctx: RequestContext, suggestionId: string) {
    return this.onSuggestion(ctx, suggestionId, (caller) => ({
      type: 'AcceptSuggestion',
      data: { suggestionId, helperMemberId: caller.memberId, matchId: randomUUID() },
      metadata: caller.metadata,
    }));
  }

  decline(ctx: RequestContext, suggestionId: string, reason: string | null) {
    return this.onSuggestion(ctx, suggestionId, (caller) => ({
      type: 'DeclineSuggestion',
      data: { suggestionId, helperMemberId: caller.memberId, reason },
      metadata: caller.metadata,
    }));
  }

  confirm(ctx: RequestContext, suggestionId: string) {
    return this.onSuggestion(ctx, suggestionId, (caller, location) => ({
      type: 'ConfirmHelper',
      data: { suggestionId, actorMemberId: caller.memberId, byCoordinator: isDispatcher(ctx) && location.pod_id === caller.podId, matchId: randomUUID() },
      metadata: caller.metadata,
    }));
  }

  giveFeedback(ctx: RequestContext, suggestionId: string, verdict: 'wrong' | 'good', reason: string | null) {
    requireDispatcher(ctx);
    return this.onSuggestion(ctx, suggestionId, (caller, location) => {
      if (location.pod_id !== caller.podId)
        throw new DomainRuleViolation('NOT_YOUR_POD', "Only the request's own pod can judge its suggestions", 'suggestionId');
      return { type: 'GiveSuggestionFeedback', data: { suggestionId, verdict, reason, givenByMemberId: caller.memberId }, metadata: caller.metadata };
    });
  }

  async assign(ctx: RequestContext, requestId: string, helperMemberId: string, override: boolean, reason: string | null): Promise<MatchingOutcome> {
    requireDispatcher(ctx);
    const caller = this.caller(ctx);
    return this.inTransaction(caller.podId, async (tx) => {
      await this.requireRequestInPod(tx, requestId);
      const [helper] = await query<{ paused: boolean; left_at: Date | null; blocked: boolean }>(
        tx,
        `select h.paused, h.left_at, exists (select 1 from helper_blocks b join tracked_requests r on r.request_id = ?
            where b.active and ((b.blocker_member_id = r.requester_member_id and b.blocked_member_id = h.member_id)
                             or (b.blocked_member_id = r.requester_member_id and b.blocker_member_id = h.member_id))) as blocked
         from pod_helpers h where h.member_id = ?`,
        [requestId, helperMemberId],
      );
      if (!helper || helper.left_at) throw new DomainRuleViolation('HELPER_NOT_FOUND', 'No such member in this pod', 'helperMemberId');
      const helperExclusion: ExclusionReason | null = helper.blocked ? 'blocked' : helper.paused ? 'paused' : null;
      const matchId = await this.decide(tx, caller.podId, requestId, {
        type: 'AssignHelper',
        data: { helperMemberId, helperPodId: caller.podId, suggestionId: randomUUID(), matchId: randomUUID(), override, helperExclusion, reason },
        metadata: caller.metadata,
      });
      return { requestId, podId: caller.podId, matchId };
    });
  }

  /** The requester, the helper (also from a neighbouring pod) or a coordinator of the request's pod; new suggestions follow. */
  async withdraw(ctx: RequestContext, requestId: string, reason: string | null): Promise<MatchingOutcome> {
    const caller = this.caller(ctx);
    return this.inTransaction(caller.podId, async (tx) => {
      const [match] = await query<{ pod_id: string }>(tx, `select pod_id from matches_view where request_id = ? and status = 'made'`, [requestId]);
      if (!match) throw new DomainRuleViolation('NO_MATCH', 'This request has no match you can see', 'requestId');
      await setTransactionPod(tx, match.pod_id);
      await this.decide(tx, match.pod_id, requestId, {
        type: 'WithdrawMatch',
        data: { actorMemberId: caller.memberId, actorIsCoordinator: isDispatcher(ctx) && match.pod_id === caller.podId, reason },
        metadata: caller.metadata,
      });
      await this.suggestions.suggest(tx, match.pod_id, requestId, 'match-withdrawn', { ...caller.metadata, podId: match.pod_id });
      return { requestId, podId: match.pod_id, matchId: null };
    });
  }

  private async onSuggestion(
    ctx: RequestContext,
    suggestionId: string,
    command: (caller: Caller, location: SuggestionLocation) => RequestMatchingCommand,
  ): Promise<MatchingOutcome> {
    const caller = this.caller(ctx);
    return this.inTransaction(caller.podId, async (tx) => {
      // Visible when the caller's pod is the request's or the helper's (a suggestion across pods).
      const [location] = await query<SuggestionLocation>(tx, 'select request_id, pod_id from suggestions_view where suggestion_id = ?', [suggestionId]);
      if (!location) throw new DomainRuleViolation('SUGGESTION_NOT_FOUND', 'There is no such suggestion', 'suggestionId');
      const built = command(caller, location);
      await setTransactionPod(tx, location.pod_id);
      const matchId = await this.decide(tx, location.pod_id, location.request_id, built);
      return { requestId: location.request_id, podId: location.pod_id, matchId };
    });
  }

  private decide(tx: EntityManager, podId: string, requestId: string, command: RequestMatchingCommand): Promise<string | null> {
    return decideOnRequest(this.suggestions, tx, podId, requestId, command);
  }

  private async requireRequestInPod(tx: EntityManager, requestId: string): Promise<void> {
    const rows = await query(tx, 'select 1 from tracked_requests where request_id = ?', [requestId]);
    if (rows.length === 0) throw new DomainRuleViolation('REQUEST_NOT_FOUND', 'Matching has no such request in your pod (yet)', 'requestId');
  }

  private inTransaction<T>(podId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.em.fork().transactional(async (tx) => {
      await setTransactionPod(tx, podId);
      return work(tx);
    });
  }

  private caller(ctx: RequestContext): Caller {
    const { podId, memberId } = actingMember(ctx);
    return { podId, memberId, metadata: commandMetadataFrom(ctx, this.clock.now()) };
  }
}

export interface MatchingOutcome {
  readonly requestId: string;
  readonly podId: string;
  /** The request's match after the command, if it has one. */
  readonly matchId: string | null;
}

interface Caller {
  readonly podId: string;
  readonly memberId: string;
  readonly metadata: CommandMetadata;
}

const isDispatcher = (ctx: RequestContext) => (ctx.identity?.roles ?? []).some((role) => (DISPATCH_ROLES as readonly string[]).includes(role));

function requireDispatcher(ctx: RequestContext): void {
  if (!isDispatcher(ctx)) {
    throw new DomainRuleViolation('FORBIDDEN', 'This needs the dispatcher or coordinator role', 'roles');
  }
}
