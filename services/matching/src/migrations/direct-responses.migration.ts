import { Migration } from '@mikro-orm/migrations';

/**
 * Direct responses between members share the suggestions read model (one list for the requester): "I can help" rows
 * (source `offered`) carry the helper's note and window, "could I have one?" rows (source `asked`) the requester's note;
 * a match keeps where it came from.
 */
export class DirectResponsesSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table suggestions_view
        add column note text,
        add column available_from timestamptz,
        add column available_until timestamptz;
      -- Matches made before direct responses came from suggestions.
      alter table matches_view add column origin text not null default 'suggested';
    `);
  }
}

export const DIRECT_RESPONSES_MIGRATION = { name: 'Migration20261207020000_direct_responses', class: DirectResponsesSchema };
