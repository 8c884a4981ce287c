import { Migration } from '@mikro-orm/migrations';

/**
 * Whether the requester asked to stay anonymous (requests' request-posted `anonymous`). Kept on the match as well:
 * the helper's pod reads the match but not the request's facts, and must not learn who asked.
 * Requests posted before this column read as not anonymous until a rebuild from requests' events.
 */
export class RequesterPrivacySchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table tracked_requests add column requester_anonymous boolean not null default false;
      alter table matches_view add column requester_anonymous boolean not null default false;
    `);
  }
}

export const REQUESTER_PRIVACY_MIGRATION = { name: 'Migration20261207000000_requester_privacy', class: RequesterPrivacySchema };
