import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import { EntityManager } from '@mikro-orm/postgresql';
import { CommandHandler, PostgresEventStore, query, streamName } from '@mutuo/event-store';
import { smsConsentDecider, type SmsConsentCommand, type SmsConsentEvent, type SmsConsentState } from '../domain/sms-consent.decider';
import { smsKeyword, type SmsKeyword } from '../domain/sms-keywords';
import { smsReply, type SmsReplyKind } from '../domain/templates/sms-replies';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../shared/channels/notifications.config';
import { NOTIFICATIONS_INBOUND_SMS_SCAN_VALUE, NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE } from '../shared/policy-settings';
import { PhoneTreeHandler } from '../shared/phone-tree.handler';
import { RECIPIENT_SELECT, recipientFromRow, type RecipientProfile, type RecipientRow } from '../shared/recipient-directory';
import { smsNumberKey } from './sms-number-key';

export const INBOUND_SMS_ACTOR = 'system:notifications-inbound-sms';

/** A text as the provider posted it, checked at the boundary. */
export interface InboundText {
  readonly messageId: string;
  /** E.164. */
  readonly from: string;
  readonly body: string;
}

interface Conversation {
  readonly podId: string;
  readonly memberId: string;
  readonly kind: string;
}

export interface InboundAnswer {
  /** What to text back (null: nothing). */
  readonly reply: string | null;
  /** The provider sent this message id before: it was acted on then, and is answered the same. */
  readonly repeated: boolean;
}

/**
 * Texts members send us, each acted on once (by the provider's message id): STOP opts the number out of SMS at once
 * (the suppression list every send reads, and an event), START opts it back in, HELP is answered with what the
 * service is and how to stop it. YES answers the conversation the number is in: the latest SMS we sent to a member
 * with this number; when that was a phone-tree call, the call is acknowledged. Nothing in a reply depends on whom the
 * number belongs to beyond the language and, for HELP, the name of the pod when all its members are in one.
 */
@Injectable()
export class InboundSmsHandler {
  private readonly consent: CommandHandler<SmsConsentState, SmsConsentCommand, SmsConsentEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly trees: PhoneTreeHandler,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.consent = new CommandHandler(store, smsConsentDecider);
  }

  async receive(text: InboundText, now: Date): Promise<InboundAnswer> {
    const keyword = smsKeyword(text.body);
    const earlier = await this.storedReply(this.em.fork(), text.messageId);
    if (earlier) return earlier;
    const owners = await this.em.fork().transactional(async (tx) => {
      // Whose number it is may span pods: this transaction reads across them, to read only.
      await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_INBOUND_SMS_SCAN_VALUE]);
      const rows = await query<RecipientRow>(tx, `${RECIPIENT_SELECT} where r.phone = ? and r.erased_at is null`, [text.from]);
      const recipients = rows.map(recipientFromRow);
      const podName = await this.onePodName(tx, recipients);
      // The deliveries sent to them are read as the worker reads them.
      await query(tx, 'select set_config(?, ?, true)', [NOTIFICATIONS_SCAN_SETTING, NOTIFICATIONS_SCAN_VALUE]);
      return { recipients, podName, conversation: await this.conversation(tx, rows) };
    });
    // Acknowledging is idempotent and commits on its own, before the text is recorded: a failure here leaves the text
    // unrecorded, and the provider's retry acknowledges again.
    const answered = keyword === 'yes' && owners.conversation?.kind === 'phone-tree-call' ? await this.acknowledge(owners.conversation, now) : null;
    return this.em.fork().transactional(async (tx) => {
      const [fresh] = await query<{ message_id: string }>(
        tx,
        'insert into inbound_sms (message_id, received_at, keyword) values (?, ?, ?) on conflict (message_id) do nothing returning message_id',
        [text.messageId, now.toISOString(), keyword],
      );
      if (!fresh) return (await this.storedReply(tx, text.messageId))!;
      const replyKind = answered ?? (await this.act(tx, keyword, text, now));
      const reply = smsReply(
        replyKind,
        owners.recipients.flatMap((owner) => owner.locales),
        owners.podName,
      );
      await query(tx, 'update inbound_sms set reply = ? where message_id = ?', [reply, text.messageId]);
      return { reply, repeated: false };
    });
  }

  private async storedReply(em: EntityManager, messageId: string): Promise<InboundAnswer | null> {
    const [seen] = await query<{ reply: string | null }>(em, 'select reply from inbound_sms where message_id = ?', [messageId]);
    return seen ? { reply: seen.reply, repeated: true } : null;
  }

  /** The latest SMS sent to a member with this number: what a short answer answers. */
  private async conversation(tx: EntityManager, owners: readonly RecipientRow[]): Promise<Conversation | null> {
    if (owners.length === 0) return null;
    const [latest] = await query<{ pod_id: string; recipient_member_id: string; kind: string }>(
      tx,
      `select pod_id, recipient_member_id, kind from deliveries
       where channel = 'sms' and status = 'sent' and recipient_member_id in (select jsonb_array_elements_text(?::jsonb)::uuid)
       order by sent_at desc nulls last limit 1`,
      [JSON.stringify(owners.map((owner) => owner.member_id))],
    );
    return latest ? { podId: latest.pod_id, memberId: latest.recipient_member_id, kind: latest.kind } : null;
  }

  private async acknowledge(conversation: Conversation, now: Date): Promise<SmsReplyKind> {
    const metadata = { now: now.toISOString(), actorId: INBOUND_SMS_ACTOR, podId: conversation.podId };
    const tree = await this.trees.acknowledge(conversation.podId, conversation.memberId, metadata).catch((error: unknown) => {
      // The tree was closed since the call: nothing to acknowledge any more.
      if (error instanceof DomainRuleViolation) return null;
      throw error;
    });
    return tree ? 'acknowledged' : 'open-the-app';
  }

  private async act(tx: EntityManager, keyword: SmsKeyword, text: InboundText, now: Date): Promise<SmsReplyKind> {
    const metadata = { now: now.toISOString(), actorId: INBOUND_SMS_ACTOR };
    const data = { numberKey: smsNumberKey(this.config.codeDeliveryKey, text.from), messageId: text.messageId };
    const stream = streamName('sms-consent', null, data.numberKey);
    switch (keyword) {
      case 'stop':
        await this.consent.handle(tx, stream, { type: 'OptOutOfSms', data, metadata });
        await query(tx, 'insert into sms_opt_outs (phone, opted_out_at) values (?, ?) on conflict (phone) do nothing', [text.from, metadata.now]);
        return 'stopped';
      case 'start':
        await this.consent.handle(tx, stream, { type: 'OptInToSms', data, metadata });
        await query(tx, 'delete from sms_opt_outs where phone = ?', [text.from]);
        return 'started';
      case 'help':
        return 'help';
      case 'yes':
      case 'no':
      case 'other':
        return 'open-the-app';
    }
  }

  private async onePodName(tx: EntityManager, owners: readonly RecipientProfile[]): Promise<string | null> {
    const pods = [...new Set(owners.map((owner) => owner.podId))];
    if (pods.length !== 1) return null;
    const [pod] = await query<{ name: string }>(tx, 'select name from pods where pod_id = ?', [pods[0]]);
    return pod?.name ?? null;
  }
}
