import { createHmac, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { DomainRuleViolation, type GeoPoint } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query } from '@mutuo/event-store';
import { actingMember, commandMetadataFrom, type RequestContext, type ServiceConfig } from '@mutuo/platform';
import { Clock, SERVICE_CONFIG } from '@mutuo/service-kit';
import {
  ANONYMOUS_ACTOR,
  sharedResourceDecider,
  type OpeningHours,
  type RecordResourceEntry,
  type SharedResourceCommand,
  type SharedResourceEvent,
  type SharedResourceKind,
  type SharedResourceState,
} from '../domain/shared-resource.decider';
import { sharedResourceStream } from '../shared/streams';

/** Per caller address: at most this many anonymous entries per window, across all resources. */
export const IP_ENTRY_LIMIT = { entries: 20, windowMs: 10 * 60_000 } as const;
const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

export type ExistingResource = Exclude<SharedResourceState, { status: 'none' }>;

/**
 * Fridges and pantries: a coordinator registers one (it gets a public token for its link); anyone with the link
 * records what they left or took. The caller's address is used only for the per-IP limit, as a keyed hash in a
 * ten-minute bucket that is deleted after an hour; it never reaches an event.
 */
@Injectable()
export class SharedResourceHandler {
  private readonly commands: CommandHandler<SharedResourceState, SharedResourceCommand, SharedResourceEvent>;
  private readonly addressKey: string;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.commands = new CommandHandler(store, sharedResourceDecider);
    this.addressKey = `${config.GATEWAY_SHARED_SECRET}:shared-resource-entries`;
  }

  async register(
    input: { kind: SharedResourceKind; name: string; location: GeoPoint; openingHours: OpeningHours[] },
    ctx: RequestContext,
    idempotencyKey: string | null = null,
  ): Promise<ExistingResource> {
    const actor = actingMember(ctx);
    const { state } = await this.commands.create(
      this.em.fork(),
      { key: idempotencyKey, podId: actor.podId, actorId: actor.memberId, operation: 'requests.registerSharedResource', input },
      (resourceId) => sharedResourceStream(actor.podId, resourceId),
      (resourceId) => ({
        type: 'RegisterSharedResource',
        data: { ...input, resourceId, podId: actor.podId, publicToken: randomBytes(18).toString('base64url'), actor },
        metadata: commandMetadataFrom(ctx, this.clock.now()),
      }),
    );
    return state as ExistingResource;
  }

  async retire(resourceId: string, ctx: RequestContext): Promise<ExistingResource> {
    const actor = actingMember(ctx);
    const { state } = await this.commands.handle(this.em.fork(), sharedResourceStream(actor.podId, resourceId), {
      type: 'RetireSharedResource',
      data: { actor },
      metadata: commandMetadataFrom(ctx, this.clock.now()),
    });
    return state as ExistingResource;
  }

  /** Anyone with the link, no account: limited per address and (in the decider) per resource. */
  async recordEntry(
    token: string,
    entry: Omit<RecordResourceEntry['data'], 'publicToken'>,
    clientIp: string | undefined,
    correlationId: string,
  ): Promise<void> {
    const now = this.clock.now();
    await this.limitAddress(clientIp, now);
    const target = await this.resourceFor(token);
    if (!target) throw new DomainRuleViolation('RESOURCE_NOT_FOUND', 'This link does not lead to a shared resource', 'token');
    await this.commands.handle(this.em.fork(), sharedResourceStream(target.pod_id, target.resource_id), {
      type: 'RecordResourceEntry',
      data: { ...entry, publicToken: token },
      metadata: { now: now.toISOString(), actorId: ANONYMOUS_ACTOR, podId: target.pod_id, correlationId },
    });
  }

  async resourceFor(token: string): Promise<{ resource_id: string; pod_id: string } | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const [row] = await query<{ resource_id: string; pod_id: string }>(
      this.em.fork(),
      'select resource_id, pod_id from shared_resource_tokens where token = ?',
      [token],
    );
    return row;
  }

  private async limitAddress(clientIp: string | undefined, now: Date): Promise<void> {
    const windowStart = new Date(Math.floor(now.getTime() / IP_ENTRY_LIMIT.windowMs) * IP_ENTRY_LIMIT.windowMs);
    const bucket = createHmac('sha256', this.addressKey)
      .update(clientIp ?? 'unknown')
      .digest('base64url');
    const em = this.em.fork();
    const [row] = await query<{ hits: number }>(
      em,
      `insert into shared_entry_rate_limits (bucket, window_start, hits) values (?, ?, 1)
       on conflict (bucket, window_start) do update set hits = shared_entry_rate_limits.hits + 1 returning hits`,
      [bucket, windowStart.toISOString()],
    );
    if (Math.random() < 0.02) {
      await query(em, 'delete from shared_entry_rate_limits where window_start < ?', [new Date(now.getTime() - 3_600_000).toISOString()]);
    }
    if ((row?.hits ?? 0) > IP_ENTRY_LIMIT.entries) {
      throw new DomainRuleViolation('RATE_LIMITED', 'Too many updates from your connection just now; try again in a few minutes', 'token');
    }
  }
}
