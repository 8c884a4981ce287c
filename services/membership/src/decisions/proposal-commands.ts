import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, isUuid, type CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore } from '@mutuo/event-store';
import { badUserInput, commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import type { DecisionMethod } from '../domain/decision-methods';
import { holdersAt } from '../domain/pod-roles.decider';
import { nextWakeOf, proposalDecider, type ProposalCommand, type ProposalEvent, type ProposalState } from '../domain/proposal.decider';
import { PodFacts } from '../shared/pod-facts';
import { proposalStream } from '../shared/pod-streams';
import { ProposalQueries, type DueProposal } from './proposals.queries';

/** The member acting on a proposal, from their verified token; whether they still belong to the pod is checked here. */
export interface ProposalCaller {
  readonly podId: string;
  readonly memberId: string;
  readonly isMember: boolean;
  readonly isCoordinator: boolean;
  readonly metadata: CommandMetadata;
}

/** What every proposal use case shares: who calls, who may vote, and deciding a command on a proposal's stream. */
@Injectable()
export class ProposalCommands {
  private readonly commands: CommandHandler<ProposalState, ProposalCommand, ProposalEvent>;
  private nextWakeListener: ((proposal: DueProposal, at: Date) => void) | undefined;

  constructor(
    readonly em: EntityManager,
    store: PostgresEventStore,
    readonly facts: PodFacts,
    private readonly queries: ProposalQueries,
  ) {
    this.commands = new CommandHandler(store, proposalDecider);
  }

  get handler(): CommandHandler<ProposalState, ProposalCommand, ProposalEvent> {
    return this.commands;
  }

  /** The deadline scheduler listens, so it wakes at a new proposal's reminder or deadline rather than polling for it. */
  onNextWake(listener: (proposal: DueProposal, at: Date) => void): void {
    this.nextWakeListener = listener;
  }

  /** A proposal's state after a command: the scheduler hears when it next has something to do for it. */
  changed(state: ProposalState): ProposalState {
    const next = nextWakeOf(state);
    if (next && state.status !== 'none') this.nextWakeListener?.({ podId: state.podId, proposalId: state.proposalId }, new Date(next));
    return state;
  }

  async caller(em: EntityManager, ctx: RequestContext): Promise<ProposalCaller> {
    const { identity, podId } = requirePod(ctx);
    const now = this.facts.now();
    const memberId = memberIdFor(podId, identity.subject);
    const isMember = await this.facts.memberIsActive(em, podId, memberId);
    const isCoordinator = identity.roles.includes('coordinator') && (await this.facts.isCoordinator(em, podId, memberId, now));
    return { podId, memberId, isMember, isCoordinator, metadata: commandMetadataFrom(ctx, now) };
  }

  /** Whether the caller's token names a pod they belong to now: only they see its proposals. */
  async callerIsMember(ctx: RequestContext): Promise<boolean> {
    const identity = ctx.identity;
    if (!identity?.podId) return false;
    return this.facts.memberIsActive(this.em.fork(), identity.podId, memberIdFor(identity.podId, identity.subject));
  }

  /** Those who may vote under `method` now: every active member, or the current holders of its role. */
  async electorate(em: EntityManager, podId: string, method: DecisionMethod, now: Date): Promise<string[]> {
    if (method.electorate === 'members') return this.queries.activeMemberIds(podId);
    const role = method.electorate.role;
    return holdersAt(await this.facts.roles(em, podId), role, now.toISOString()).map((term) => term.memberId);
  }

  /** A proposal of the caller's pod (another pod's does not exist for them), once its id looks like one. */
  streamOf(caller: ProposalCaller, proposalId: string): string {
    if (!isUuid(proposalId)) throw badUserInput('proposalId', 'proposalId must be an id this API returned');
    return proposalStream(caller.podId, proposalId.toLowerCase());
  }

  async decide(em: EntityManager, caller: ProposalCaller, proposalId: string, command: ProposalCommand): Promise<ProposalState> {
    return this.changed((await this.commands.handle(em, this.streamOf(caller, proposalId), command)).state);
  }
}

/** Members only: anyone else learns nothing about the pod's proposals, not even that one exists. */
export function requireMember(caller: ProposalCaller): void {
  if (!caller.isMember) throw new DomainRuleViolation('PROPOSAL_NOT_FOUND', 'There is no such proposal', 'proposalId');
}
