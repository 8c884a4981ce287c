import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { RegionViewSchema, type RegionView } from './region.entity';

@Injectable()
export class RegionQueries {
  constructor(private readonly em: EntityManager) {}

  /** Regions are public within the deployment: pods of a region see each other's region. */
  byId(regionId: string): Promise<RegionView | null> {
    return this.em.fork().findOne(RegionViewSchema, { id: regionId });
  }

  byIds(regionIds: readonly string[]): Promise<RegionView[]> {
    return this.em.fork().find(RegionViewSchema, { id: { $in: [...regionIds] } });
  }
}
