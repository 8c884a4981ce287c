import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, query } from '@mutuo/event-store';
import { PeriodicJob, SERVICE_LOGGER, Clock } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { podRolesDecider, type PodRolesCommand, type PodRolesEvent, type PodRolesState } from '../domain/pod-roles.decider';
import { ROLE_TERMS_SCAN_SETTING, ROLE_TERMS_SCAN_VALUE } from '../shared/policy-settings';
import { podRolesStream } from '../shared/pod-roles-stream';
import { ROLE_SCHEDULER_OPTIONS, type RoleSchedulerOptions } from './role-scheduler.options';

export const ROLE_SCHEDULER_ACTOR = 'system:role-scheduler';

/** What one scan did, counted by the events it caused. */
export interface RoleSchedulerReport {
  readonly due: number;
  readonly warned: number;
  readonly lapsed: number;
  readonly alerted: number;
  /** Commands that failed; they are tried again at the next scan. */
  readonly failed: number;
}

interface DueTermRow {
  pod_id: string;
  member_id: string;
  role: string;
  lapse_due: boolean;
}

/**
 * Finds terms due for their ending notice or their lapse in the role_terms read model and issues
 * WarnTermEnding / LapseTerm. The read model only says where to look: the decider, against the pod's
 * stream, decides whether anything is due, and does nothing for a term already warned, renewed or
 * lapsed. So a lagging read model, a repeated scan or several replicas scanning at once (optimistic
 * concurrency on the stream) never warn or lapse twice.
 */
@Injectable()
export class RoleTermScheduler extends PeriodicJob<RoleSchedulerReport> {
  private readonly commands: CommandHandler<PodRolesState, PodRolesCommand, PodRolesEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    @Inject(ROLE_SCHEDULER_OPTIONS) private readonly options: RoleSchedulerOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    super(options, logger, 'Role term scan failed; it runs again at the next interval');
    this.commands = new CommandHandler(store, podRolesDecider);
  }

  /** One scan: every due term (up to the batch size) gets its command. */
  async runOnce(): Promise<RoleSchedulerReport> {
    const now = this.clock.now();
    const due = await this.dueTerms(now);
    let warned = 0;
    let lapsed = 0;
    let alerted = 0;
    let failed = 0;
    for (const term of due) {
      const command: PodRolesCommand = {
        type: term.lapse_due ? 'LapseTerm' : 'WarnTermEnding',
        data: { podId: term.pod_id, memberId: term.member_id, role: term.role },
        metadata: { now: now.toISOString(), actorId: ROLE_SCHEDULER_ACTOR, podId: term.pod_id, correlationId: randomUUID() },
      };
      try {
        const { newEvents } = await this.commands.handle(this.em.fork(), podRolesStream(term.pod_id), command);
        for (const event of newEvents) {
          if (event.type === 'RoleTermEndingWarned') warned++;
          else if (event.type === 'RoleLapsed') lapsed++;
          else if (event.type === 'CoordinatorGapAlerted') alerted++;
        }
      } catch (error) {
        failed++;
        this.logger.error(
          { err: error, podId: term.pod_id, role: term.role, command: command.type },
          'Role term command failed; it is tried again at the next scan',
        );
      }
    }
    return { due: due.length, warned, lapsed, alerted, failed };
  }

  /** Due terms across all pods: the scan opts in to that on purpose (see the role_terms_due_scan policy). */
  private dueTerms(now: Date): Promise<DueTermRow[]> {
    const at = now.toISOString();
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [ROLE_TERMS_SCAN_SETTING, ROLE_TERMS_SCAN_VALUE]);
      return query<DueTermRow>(
        tx,
        `select pod_id, member_id, role, coalesce(grace_until, term_end) <= ?::timestamptz as lapse_due
         from role_terms
         where status <> 'ended'
           and (coalesce(grace_until, term_end) <= ?::timestamptz
                or (warned_at is null and warn_from <= ?::timestamptz and term_end > ?::timestamptz))
         order by least(coalesce(grace_until, term_end), warn_from), term_id
         limit ?`,
        [at, at, at, at, this.options.batchSize],
      );
    });
  }
}
