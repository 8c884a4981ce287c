import { Migration } from '@mikro-orm/migrations';
import { podRowLevelSecuritySql } from '@mutuo/platform';

/** The setting with which the proposal deadline scheduler opts in to reading due proposals across pods. */
const PROPOSALS_SCAN_SETTING = 'mutuo.proposals_scan';
const PROPOSALS_SCAN_VALUE = 'due-proposals';

/**
 * Read model of a pod's proposals: each row holds the proposal's folded state (every round, its votes and tally),
 * plus the columns lists and the deadline scheduler look up.
 */
export class DecisionsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table proposals (
        proposal_id uuid primary key,
        pod_id uuid not null,
        status text not null check (status in ('open', 'objected', 'decided', 'withdrawn')),
        kind text not null,
        opened_at timestamptz not null,
        -- When the scheduler next has something to do: the deadline-near reminder, then the deadline; null when nothing.
        next_wake_at timestamptz null,
        state jsonb not null,
        updated_at timestamptz not null
      );
      create index proposals_pod_idx on proposals (pod_id, opened_at desc, proposal_id);
      create index proposals_wake_idx on proposals (next_wake_at) where next_wake_at is not null;
    `);
    this.addSql(podRowLevelSecuritySql('proposals'));
    // Only a transaction that says it is the deadline scan sees other pods' proposals, and only to read them.
    this.addSql(`
      create policy proposals_due_scan on proposals as permissive for select
        using (current_setting('${PROPOSALS_SCAN_SETTING}', true) = '${PROPOSALS_SCAN_VALUE}');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists proposals;');
  }
}

export const DECISIONS_MIGRATION = { name: 'Migration20261229100000_decisions', class: DecisionsSchema };
