import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, PeriodicJob, SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { memberPauseDecider } from '../../domain/member-pause.decider';
import { MemberSettingsQueries } from '../../shared/member-settings.queries';
import { MemberStream } from '../../shared/member-stream';
import { PAUSE_RETURN_OPTIONS, type PauseReturnOptions } from './pause-return.options';

export const PAUSE_RETURN_ACTOR = 'system:membership';

/** What one scan did. */
export interface PauseReturnReport {
  readonly due: number;
  readonly returned: number;
  /** Commands that failed; they are tried again at the next scan. */
  readonly failed: number;
}

/**
 * Brings members back when their return date has passed. The member_pauses read model only says where
 * to look; the pause decider, against the member's stream, decides whether the return is due and does
 * nothing for a member already back or whose date moved. So a lagging read model, a repeated scan or
 * several replicas at once (optimistic concurrency on the stream) never return anyone twice.
 *
 * Besides scanning every interval, it sets a timer for the next return date it knows of when that comes
 * sooner, so a member is back at the time they chose rather than up to an interval later.
 */
@Injectable()
export class PauseReturnScheduler extends PeriodicJob<PauseReturnReport> {
  constructor(
    private readonly queries: MemberSettingsQueries,
    private readonly stream: MemberStream,
    @Inject(PAUSE_RETURN_OPTIONS) private readonly options: PauseReturnOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    super(options, logger, 'Scan for due returns failed; it runs again at the next interval');
  }

  /** A member will be due at `at`: scan then, if that is before the next regular scan. */
  expectReturnAt(at: Date): void {
    this.runAt(at, this.clock.now());
  }

  /** One scan: every due return (up to the batch size) gets its command. */
  async runOnce(now = this.clock.now()): Promise<PauseReturnReport> {
    const due = await this.queries.dueReturns(now, this.options.batchSize);
    let returned = 0;
    let failed = 0;
    for (const { podId, memberId } of due) {
      try {
        const events = await this.stream.decide(memberPauseDecider, podId, memberId, {
          type: 'ReturnFromPause',
          data: { automatic: true },
          metadata: { now: now.toISOString(), actorId: PAUSE_RETURN_ACTOR, podId, correlationId: randomUUID() },
        });
        returned += events.length;
      } catch (error) {
        failed++;
        this.logger.error({ err: error, podId, memberId }, 'Automatic return from a pause failed; it is tried again at the next scan');
      }
    }
    // A full batch that made progress probably left more behind; one that made none waits for the next scan.
    if (due.length === this.options.batchSize && returned > 0) this.runSoon();
    const next = await this.queries.nextReturnAfter(now);
    if (next) this.expectReturnAt(next);
    return { due: due.length, returned, failed };
  }
}
