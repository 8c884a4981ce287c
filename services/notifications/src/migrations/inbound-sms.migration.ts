import { Migration } from '@mikro-orm/migrations';

/**
 * Texts members send us. `inbound_sms` remembers each provider message id once (the provider retries a webhook it
 * thinks failed: the same text is acted on once). `sms_opt_outs` is the suppression list STOP writes in the same
 * transaction, read by every send at once: kept across erasure, since a number that said STOP stays unasked. The
 * reply given is kept with the id, so a retried webhook is answered the same.
 */
export class InboundSmsSchema extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table inbound_sms (
      message_id text primary key,
      received_at timestamptz not null,
      keyword text not null,
      reply text null
    );`);
    this.addSql(`create table sms_opt_outs (
      phone text primary key,
      opted_out_at timestamptz not null
    );`);
    // A text comes from a number, not from a pod: finding whose number it is reads across pods, on purpose only, with
    // a value of its own, so the delivery worker's scans see no more recipients than before.
    for (const table of ['recipients', 'pods']) {
      this.addSql(`
        create policy ${table}_inbound_sms_scan on ${table} as permissive for select
          using (current_setting('mutuo.notifications_scan', true) = 'inbound-sms');
      `);
    }
  }
}

export const INBOUND_SMS_MIGRATION = { name: 'Migration20261207210000_inbound_sms', class: InboundSmsSchema };
