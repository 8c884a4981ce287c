import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { distanceKm } from '@mutuo/domain';
import { query, setTransactionPod } from '@mutuo/event-store';
import { Clock, SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Logger } from 'pino';
import type { Urgency } from '../domain/helper-scoring';
import { MATCHING_OPTIONS, type MatchingOptions } from '../matching.options';
import { MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE } from '../shared/policy-settings';
import { requestMatchingStream, SuggestHelpersService } from '../shared/suggest-helpers.service';
import { DEADLINE_SQL } from '../shared/escalation-deadlines.sql';

export const ESCALATION_ACTOR = 'system:matching-escalation';
const BATCH_SIZE = 100;

interface DueRequestRow {
  request_id: string;
  pod_id: string;
  region_id: string;
  title: string | null;
  category: string;
  urgency: Urgency;
  location_cell: string | null;
  request_visibility: string;
  deadline: Date;
}

interface PodRow {
  pod_id: string;
  center_lat: number | null;
  center_lon: number | null;
}

export interface EscalationReport {
  readonly due: number;
  readonly escalated: number;
  readonly failed: number;
}

/**
 * Offers requests nobody in their pod took up before their urgency's deadline to the nearest pods of the region, when
 * the pod allows it. The read model only says where to look: the decider escalates a request once, so repeated scans
 * or several replicas scanning at once never escalate twice. Each escalation is followed by a round of suggestions
 * that includes helpers of the neighbouring pods.
 */
@Injectable()
export class EscalateUnmatchedRequestsScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly em: EntityManager,
    private readonly suggestions: SuggestHelpersService,
    private readonly clock: Clock,
    @Inject(MATCHING_OPTIONS) private readonly options: MatchingOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.escalationEnabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.escalationIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  async runOnce(): Promise<EscalationReport> {
    const now = this.clock.now();
    const due = await this.dueRequests(now);
    let escalated = 0;
    let failed = 0;
    for (const request of due) {
      try {
        if (await this.escalate(request, now)) escalated++;
      } catch (error) {
        failed++;
        this.logger.error({ err: error, requestId: request.request_id }, 'Escalating a request failed; it is tried again at the next scan');
      }
    }
    return { due: due.length, escalated, failed };
  }

  private async escalate(request: DueRequestRow, now: Date): Promise<boolean> {
    return this.em.fork().transactional(async (tx) => {
      const neighbours = await query<PodRow>(tx, 'select pod_id, center_lat, center_lon from matching_pods where region_id = ? and pod_id <> ?', [
        request.region_id,
        request.pod_id,
      ]);
      const [own] = await query<PodRow>(tx, 'select pod_id, center_lat, center_lon from matching_pods where pod_id = ?', [request.pod_id]);
      const toPodIds = nearestFirst(own!, neighbours).slice(0, this.options.maxNeighbourPods);
      if (toPodIds.length === 0) return false;
      await setTransactionPod(tx, request.pod_id);
      const metadata = { now: now.toISOString(), actorId: ESCALATION_ACTOR, podId: request.pod_id, correlationId: randomUUID() };
      const { newEvents } = await this.suggestions.commands.handle(tx, requestMatchingStream(request.pod_id, request.request_id), {
        type: 'EscalateRequest',
        data: {
          regionId: request.region_id,
          toPodIds,
          deadline: new Date(request.deadline).toISOString(),
          shared: {
            category: request.category,
            urgency: request.urgency,
            // The title leaves the pod only when the pod shows its requests beyond itself.
            title: request.request_visibility === 'pod' ? null : request.title,
            locationCell: request.location_cell?.slice(0, 5) ?? null,
          },
        },
        metadata,
      });
      if (newEvents.length === 0) return false;
      // The read model learns of the escalation through the projection; the new round must already look in the neighbours.
      await query(tx, 'update tracked_requests set escalated_to = ?::uuid[] where request_id = ?', [`{${toPodIds.join(',')}}`, request.request_id]);
      await this.suggestions.suggest(tx, request.pod_id, request.request_id, 'escalated', metadata);
      return true;
    });
  }

  /** Due requests across all pods of pods allowing escalation: the scan opts in to reading every pod on purpose. */
  private dueRequests(now: Date): Promise<DueRequestRow[]> {
    return this.em.fork().transactional(async (tx) => {
      await query(tx, 'select set_config(?, ?, true)', [MATCHING_SCAN_SETTING, MATCHING_SCAN_VALUE]);
      return query<DueRequestRow>(
        tx,
        `select r.request_id, r.pod_id, p.region_id, r.title, r.category, r.urgency, r.location_cell, p.request_visibility, ${DEADLINE_SQL} as deadline
         from tracked_requests r join matching_pods p on p.pod_id = r.pod_id
         where r.status = 'open' and r.escalated_at is null and p.escalate_to_neighbours and p.region_id is not null
           and ${DEADLINE_SQL} <= ?::timestamptz
         order by r.posted_at limit ?`,
        [now.toISOString(), BATCH_SIZE],
      );
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error({ err: error }, 'Escalation scan failed; it runs again at the next interval'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.options.escalationIntervalMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }
}

/** Pods ordered by the distance between service-area middles; pods without a service area come last. */
export function nearestFirst(own: PodRow, pods: readonly PodRow[]): string[] {
  const distance = (pod: PodRow) =>
    own.center_lat === null || own.center_lon === null || pod.center_lat === null || pod.center_lon === null
      ? Number.POSITIVE_INFINITY
      : distanceKm({ lat: own.center_lat, lon: own.center_lon }, { lat: pod.center_lat, lon: pod.center_lon });
  return [...pods].sort((a, b) => distance(a) - distance(b) || a.pod_id.localeCompare(b.pod_id)).map((pod) => pod.pod_id);
}
