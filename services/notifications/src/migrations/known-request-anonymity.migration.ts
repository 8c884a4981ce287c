import { Migration } from '@mikro-orm/migrations';

/**
 * Whether the requester asked to stay anonymous (request-posted's `anonymous`). Null for requests heard of before this
 * column existed: their anonymity is unknown, so they are treated as anonymous (a helper reads "a neighbour").
 */
export class KnownRequestAnonymitySchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table known_requests add column anonymous boolean null;`);
  }
}

export const KNOWN_REQUEST_ANONYMITY_MIGRATION = { name: 'Migration20261207123000_known_request_anonymity', class: KnownRequestAnonymitySchema };
