import { Migration } from '@mikro-orm/migrations';
import { REGION_SETTING } from '../shared/browse-scope';

/**
 * Region browsing: members of other pods in the same region may read open requests and offers whose author chose
 * region or public visibility. Decided by row-level security (an extra select-only policy, OR-ed with the pod one),
 * so no query can forget it. The region is copied from `request-posted` / `offer-posted` (the pod's region at posting).
 */
export class RegionBrowseSchema extends Migration {
  override async up(): Promise<void> {
    const sameRegion = `region_id = nullif(current_setting('${REGION_SETTING}', true), '')::uuid`;
    this.addSql(`
      alter table request_details add column region_id uuid null;
      alter table offers add column region_id uuid null;
      create index request_details_region_open_idx on request_details (region_id, visibility, posted_at desc, id desc)
        where status = 'open' and visibility in ('region', 'public');
      create index offers_region_open_idx on offers (region_id, visibility, posted_at desc, id desc)
        where status = 'open' and visibility in ('region', 'public');
      create policy request_details_region_browse on request_details as permissive for select
        using (status = 'open' and visibility in ('region', 'public') and ${sameRegion});
      create policy offers_region_browse on offers as permissive for select
        using (status = 'open' and visibility in ('region', 'public') and ${sameRegion});
    `);
  }
}

export const REGION_BROWSE_MIGRATION = { name: 'Migration20261126020000_region_browse', class: RegionBrowseSchema };
