import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@mutuo/event-store';
import { Clock, PeriodicJob, SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { nextWakeOf } from '../../domain/proposal.decider';
import { proposalStream } from '../../shared/pod-streams';
import { ProposalCommands } from '../proposal-commands';
import { ProposalQueries, type DueProposal } from '../proposals.queries';
import { changeAgreementsWhenProposalPasses } from './change-agreements-when-proposal-passes';
import { PROPOSAL_DEADLINE_OPTIONS, type ProposalDeadlineOptions } from './proposal-deadline.options';

export const PROPOSAL_SCHEDULER_ACTOR = 'system:membership';

export interface ProposalDeadlineReport {
  readonly due: number;
  /** Events recorded: reminders, objected rounds and decisions. */
  readonly recorded: number;
  readonly failed: number;
}

/**
 * Reminds the electorate a day before a round's deadline and counts the round at the deadline. The read model's
 * next_wake_at only says where to look; the decider, against the proposal's stream, decides whether anything is due,
 * so a lagging read model, a repeated scan or several replicas never record anything twice.
 *
 * It sleeps until the next reminder or deadline it knows of (and at most the interval, as a safety net); a proposal
 * opened or amended meanwhile tells it its time through ProposalCommands.
 */
@Injectable()
export class ProposalDeadlineScheduler extends PeriodicJob<ProposalDeadlineReport> {
  /**
   * Proposals this replica was told about, by id, with when they are next due: handled against their streams even
   * while the read model has not caught up with them yet.
   */
  private readonly known = new Map<string, DueProposal & { at: number }>();

  constructor(
    private readonly proposals: ProposalCommands,
    private readonly queries: ProposalQueries,
    private readonly store: PostgresEventStore,
    @Inject(PROPOSAL_DEADLINE_OPTIONS) private readonly options: ProposalDeadlineOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    super(options, logger, 'Scan for due proposals failed; it runs again at the next wake-up');
    proposals.onNextWake((proposal, at) => this.expectProposalAt(proposal, at));
  }

  /** A proposal is next due at `at` (its reminder or its deadline). */
  expectProposalAt(proposal: DueProposal, at: Date): void {
    this.known.set(proposal.proposalId, { ...proposal, at: at.getTime() });
    this.expectWakeAt(at);
  }

  /** Something is due at `at`: scan then, if that is before the next wake-up already set. */
  expectWakeAt(at: Date): void {
    this.runAt(at, this.clock.now());
  }

  async runOnce(now = this.clock.now()): Promise<ProposalDeadlineReport> {
    const scanned = await this.queries.dueAt(now, this.options.batchSize);
    const told = [...this.known.values()].filter((proposal) => proposal.at <= now.getTime());
    const due = [...new Map([...scanned, ...told].map((proposal) => [proposal.proposalId, proposal])).values()];
    let recorded = 0;
    let failed = 0;
    for (const { podId, proposalId } of due) {
      try {
        this.known.delete(proposalId);
        recorded += await this.handleDue(podId, proposalId, now);
      } catch (error) {
        failed++;
        this.logger.error({ err: error, podId, proposalId }, 'Counting a proposal failed; it is tried again at the next scan');
      }
    }
    if (scanned.length === this.options.batchSize && recorded > 0) this.runSoon();
    const next = await this.queries.nextWakeAfter(now);
    if (next) this.expectWakeAt(next);
    return { due: due.length, recorded, failed };
  }

  /** The reminder if due, then the count if due, and what a passed decision changes, in one transaction. */
  private handleDue(podId: string, proposalId: string, now: Date): Promise<number> {
    const metadata = { now: now.toISOString(), actorId: PROPOSAL_SCHEDULER_ACTOR, podId, correlationId: randomUUID() };
    const stream = proposalStream(podId, proposalId);
    return this.proposals.em.fork().transactional(async (tx) => {
      const warned = await this.proposals.handler.handle(tx, stream, { type: 'WarnDeadlineNear', data: {}, metadata });
      const closed = await this.proposals.handler.handle(tx, stream, { type: 'CloseProposal', data: {}, metadata });
      if (closed.newEvents.length > 0) await changeAgreementsWhenProposalPasses(tx, this.store, closed.state, metadata);
      // After the reminder comes the deadline: remember it without waiting for the read model.
      const next = nextWakeOf(closed.state);
      if (next) this.expectProposalAt({ podId, proposalId }, new Date(next));
      return warned.newEvents.length + closed.newEvents.length;
    });
  }
}
