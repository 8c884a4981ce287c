import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query } from '@mutuo/event-store';
import { Clock, PeriodicJob, SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import { offerDecider } from '../domain/offer.decider';
import { requestDecider } from '../domain/request.decider';
import { EXPIRY_SCAN_SETTING, EXPIRY_SCAN_VALUE } from '../shared/policy-settings';
import { offerStream, requestStream } from '../shared/streams';
import { EXPIRY_OPTIONS, type ExpiryOptions } from './expiry.options';

export const EXPIRY_ACTOR = 'system:request-expiry';

export interface ExpiryReport {
  readonly requestsExpired: number;
  readonly offersExpired: number;
  /** Found due in the read model but not expirable any more (a race with the requester); left as they are. */
  readonly skipped: number;
  readonly failed: number;
}

/**
 * Expires requests and offers whose window has ended. The read model only says where to look; the decider decides
 * against the stream, so a lagging read model, a repeated scan or two replicas never expire anything twice.
 */
@Injectable()
export class ExpireDueScheduler extends PeriodicJob<ExpiryReport> {
  private readonly requests: CommandHandler<never, never, never>;
  private readonly offers: CommandHandler<never, never, never>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    @Inject(EXPIRY_OPTIONS) private readonly options: ExpiryOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    super(options, logger, 'Expiry scan failed; it runs again at the next interval');
    this.requests = new CommandHandler(store, requestDecider) as never;
    this.offers = new CommandHandler(store, offerDecider) as never;
  }

  async runOnce(): Promise<ExpiryReport> {
    const now = this.clock.now();
    const due = await this.dueItems(now);
    let requestsExpired = 0;
    let offersExpired = 0;
    let skipped = 0;
    let failed = 0;
    for (const item of due) {
      const metadata = { now: now.toISOString(), actorId: EXPIRY_ACTOR, podId: item.pod_id, correlationId: randomUUID() };
      try {
        if (item.kind === 'request') {
          const { newEvents } = await this.requests.handle(this.em.fork(), requestStream(item.pod_id, item.id), {
            type: 'ExpireRequest',
            data: {},
            metadata,
          } as never);
          requestsExpired += newEvents.length;
        } else {
          const { newEvents } = await this.offers.handle(this.em.fork(), offerStream(item.pod_id, item.id), {
            type: 'ExpireOffer',
            data: {},
            metadata,
          } as never);
          offersExpired += newEvents.length;
        }
      } catch (error) {
        if (error instanceof DomainRuleViolation) {
          skipped++;
          continue;
        }
        failed++;
        this.logger.error({ err: error, podId: item.pod_id, id: item.id }, 'Expiring failed; it is tried again at the next scan');
      }
    }
    return { requestsExpired, offersExpired, skipped, failed };
  }

  /** Due items across pods: the scan opts in to that on purpose (the *_expiry_scan policies), to read only. */
  private dueItems(now: Date): Promise<{ kind: 'request' | 'offer'; id: string; pod_id: string }[]> {
    const at = now.toISOString();
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [EXPIRY_SCAN_SETTING, EXPIRY_SCAN_VALUE]);
      return query(
        tx,
        `(select 'request' as kind, id, pod_id from request_details where status in ('open', 'matched') and window_until <= ? order by window_until limit ?)
         union all
         (select 'offer' as kind, id, pod_id from offers where status in ('open', 'paused') and window_until <= ? order by window_until limit ?)`,
        [at, this.options.batchSize, at, this.options.batchSize],
      );
    });
  }
}
