import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@mutuo/event-store';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../channels/notifications.config';
import type { DeliveryDetails } from '../../domain/delivery.decider';
import { quietHoursEndAfter, rateLimitHoldUntil } from '../../domain/delivery-timing';
import { TIME_CRITICAL_KINDS } from '../../domain/notification-kinds';
import type { RecipientProfile } from '../recipient-directory';

/** Kinds that are never held for quiet hours' end by default (a code is useless by then). */
const NEVER_QUIET: readonly string[] = ['sign-in-code', 'contact-verification-code'];

export interface SendHold {
  readonly until: Date;
  readonly reason: 'quiet-hours' | 'rate-limit';
}

/** When a message must wait: the recipient's quiet hours and the rate limit. */
@Injectable()
export class SendHolds {
  constructor(@Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig) {}

  /** The members' sends still inside the rate limit's window, by member and channel (keyed `memberId:channel`). */
  async recentSends(tx: EntityManager, memberIds: readonly string[], now: Date): Promise<Map<string, Date[]>> {
    const recent = new Map<string, Date[]>();
    if (memberIds.length === 0) return recent;
    const rows = await query<{ recipient_member_id: string; channel: string; sent_at: Date }>(
      tx,
      'select recipient_member_id, channel, sent_at from recipient_sends where recipient_member_id in (select jsonb_array_elements_text(?::jsonb)::uuid) and sent_at > ?',
      [JSON.stringify(memberIds), new Date(now.getTime() - this.config.rateLimit.windowMs).toISOString()],
    );
    for (const row of rows) {
      const key = `${row.recipient_member_id}:${row.channel}`;
      const sends = recent.get(key);
      if (sends) sends.push(new Date(row.sent_at));
      else recent.set(key, [new Date(row.sent_at)]);
    }
    return recent;
  }

  /** Quiet hours and the rate limit; null when the message may go now. */
  async holdUntil(tx: EntityManager, details: DeliveryDetails, recipient: RecipientProfile, now: Date): Promise<SendHold | null> {
    const recent = await this.recentSends(tx, [recipient.memberId], now);
    return this.holdFor(details, recipient, now, recent.get(`${recipient.memberId}:${details.channel}`) ?? []);
  }

  /** Quiet hours and the rate limit, given the member's recent sends on the delivery's channel. */
  holdFor(details: DeliveryDetails, recipient: RecipientProfile, now: Date, recentSends: readonly Date[]): SendHold | null {
    if (!details.overridesQuietHours && !NEVER_QUIET.includes(details.kind)) {
      const quietEnd = quietHoursEndAfter(now, recipient.quietHours);
      if (quietEnd) return { until: quietEnd, reason: 'quiet-hours' };
    }
    if (details.kind === 'digest' || details.kind === 'partner-event' || TIME_CRITICAL_KINDS.includes(details.kind)) return null;
    const until = rateLimitHoldUntil([...recentSends], now, this.config.rateLimit);
    return until ? { until, reason: 'rate-limit' } : null;
  }
}
