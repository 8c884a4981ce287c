import { Migration } from '@mikro-orm/migrations';

/**
 * What requests learns about pods and regions from membership's events: which region a pod is in (for region
 * stewards and the regionId others match on) and the pod's default visibility for requests. No personal data and
 * not pod-scoped: a region steward acts across the pods of their region.
 */
export class PodFactsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table pod_facts (
        pod_id uuid primary key,
        region_id uuid null,
        request_visibility text null
      );
      create table region_slugs (
        region_id uuid primary key,
        slug text not null unique
      );
    `);
  }
}

export const POD_FACTS_MIGRATION = { name: 'Migration20261126010000_pod_facts', class: PodFactsSchema };
