import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { uuidV5 } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataFrom, requireRole, type RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { regionDecider, type RegionCommand, type RegionEvent, type RegionState } from '../domain/region.decider';

/** Region ids derive from the slug, so a slug can never be taken twice (the stream already exists). */
const REGION_ID_NAMESPACE = '8a0f3c55-2b9e-4d7a-a6f1-0c4e9b2d7e13';

export function regionIdForSlug(slug: string): string {
  return uuidV5(`region:${slug}`, REGION_ID_NAMESPACE);
}

export type ActiveRegion = Extract<RegionState, { status: 'active' }>;

@Injectable()
export class CreateRegionHandler {
  private readonly commands: CommandHandler<RegionState, RegionCommand, RegionEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, regionDecider);
  }

  /** With an idempotency key, a retry gets the region the first call created instead of "slug taken". */
  async handle(input: { name: string; slug: string }, ctx: RequestContext, idempotencyKey: string | null = null): Promise<ActiveRegion> {
    const identity = requireRole(ctx, 'operator');
    const { state } = await this.commands.create(
      this.em.fork(),
      { key: idempotencyKey, podId: null, actorId: identity.subject, operation: 'membership.createRegion', input },
      (regionId) => streamName('region', null, regionId),
      (regionId) => ({ type: 'CreateRegion', data: { regionId, name: input.name, slug: input.slug }, metadata: commandMetadataFrom(ctx, this.clock.now()) }),
      () => regionIdForSlug(input.slug),
    );
    return state as ActiveRegion;
  }
}
