import { Migration } from '@mikro-orm/migrations';

/** Category and urgency of the requests notifications heard of: suggestions name the category, never the requester. */
export class KnownRequestFactsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table known_requests add column category text null, add column urgency text null;`);
  }
}

export const KNOWN_REQUEST_FACTS_MIGRATION = { name: 'Migration20261126051500_known_request_facts', class: KnownRequestFactsSchema };
