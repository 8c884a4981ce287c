import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidV5 } from '@mutuo/contracts';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, query, streamName } from '@mutuo/event-store';
import { type DecideDelivery, type DeliveryChannel, type DeliveryContent } from '../../domain/delivery.decider';
import { nextDigestTime } from '../../domain/delivery-timing';
import type { PartnerEventType } from '../../domain/partner-event-types';
import { TIME_CRITICAL_KINDS, type NotificationKind } from '../../domain/notification-kinds';
import {
  notificationDecider,
  type NotificationCommand,
  type NotificationEvent,
  type NotificationState,
  type RecordNotification,
} from '../../domain/notification.decider';
import { renderMessage, type TemplateParams } from '../../domain/templates/render-message';
import { findPodDefaults, findRecipient, type RecipientProfile } from '../recipient-directory';
import { SmsChannel } from '../channels/sms.channel';
import { DeliveryCommands, deliveryStream } from './delivery-commands';
import type { FreshDelivery } from './fresh-deliveries';

export const NOTIFICATIONS_ACTOR = 'system:notifications';
const NOTIFICATION_ID_NAMESPACE = '5d2c8e47-1f3a-4b6c-9e0d-7a8b1c2d3e4f';
const DELIVERY_ID_NAMESPACE = '8a4f1c3e-2b7d-4e9a-b6c5-0d1e2f3a4b5c';

/** What caused a notification: its id makes every notification and delivery key unique. */
export interface NotificationCause {
  readonly eventId: string;
  readonly podId: string | null;
  readonly metadata: CommandMetadata;
}

export interface MemberNotification {
  readonly recipientMemberId: string;
  readonly kind: NotificationKind;
  readonly subjectId: string;
  readonly params: TemplateParams;
  /** An emergency in a declared incident: may pass quiet hours if the member allowed it. */
  readonly emergency?: boolean;
  /** Try this channel first when the member can be reached on it (a phone tree calls by SMS). */
  readonly preferChannel?: DeliveryChannel;
}

export function deliveryIdFor(causeEventId: string, recipientKey: string, channel: DeliveryChannel): string {
  return uuidV5(`${causeEventId}:${recipientKey}:${channel}`, DELIVERY_ID_NAMESPACE);
}

/** External channels the member listed, in their order, that notifications can use for them now. */
export function usableChannels(recipient: RecipientProfile, smsAvailable: boolean): DeliveryChannel[] {
  return recipient.preferences.channels.flatMap((channel): DeliveryChannel[] => {
    if (channel === 'email' && recipient.email) return ['email'];
    if (channel === 'sms' && recipient.phone && smsAvailable) return ['sms'];
    return [];
  });
}

/**
 * Turns "tell this member about that" into an inbox notification (always: the app keeps the history) and, when
 * the member can be reached outside the app, one delivery on their first usable channel with the others as
 * fallbacks. Keys derive from (cause event, recipient, channel): the same event heard again decides nothing new.
 */
@Injectable()
export class NotificationDispatcher {
  private readonly notifications: CommandHandler<NotificationState, NotificationCommand, NotificationEvent>;
  constructor(
    private readonly store: PostgresEventStore,
    private readonly deliveries: DeliveryCommands,
    private readonly sms: SmsChannel,
  ) {
    this.notifications = new CommandHandler(store, notificationDecider);
  }

  /** Returns the external delivery decided (none when the member is reached only in the app). */
  async notifyMember(
    em: EntityManager,
    cause: NotificationCause,
    notification: MemberNotification,
    known?: RecipientProfile | null,
  ): Promise<FreshDelivery | null> {
    const podId = cause.podId;
    if (!podId) throw new Error(`Event ${cause.eventId} names no pod: member notifications are always for a pod's member`);
    const recipient = known === undefined ? await findRecipient(em, notification.recipientMemberId) : known;
    if (recipient?.erased) return null;
    const pod = recipient ? null : await findPodDefaults(em, podId);
    const plan = this.plan(cause, podId, notification, recipient, pod);
    await this.notifications.handle(em, plan.notificationStream, plan.record);
    if (!plan.delivery) return null;
    await this.deliveries.decide(em, plan.delivery.command.data, cause.metadata);
    return plan.delivery.fresh;
  }

  /**
   * The same as notifyMember for many known members of the cause's pod, in the caller's transaction, with a fraction
   * of the round trips: one query finds which of their streams exist already (the event heard again, or a batch
   * resumed after a crash) and those go the one-by-one way; the others are decided against "no stream yet" and
   * appended as such, so a concurrent writer makes the append, and with it the caller's transaction, fail instead of
   * deciding anything twice. Returns the external deliveries decided for sending now.
   */
  async notifyKnownMembers(
    em: EntityManager,
    cause: NotificationCause,
    notifications: readonly { notification: MemberNotification; recipient: RecipientProfile }[],
  ): Promise<FreshDelivery[]> {
    const podId = cause.podId;
    if (!podId) throw new Error(`Event ${cause.eventId} names no pod: member notifications are always for a pod's member`);
    const plans = notifications
      .filter(({ recipient }) => !recipient.erased)
      .map(({ notification, recipient }) => ({ notification, recipient, plan: this.plan(cause, podId, notification, recipient, null) }));
    const streams = plans.flatMap(({ plan }) => [plan.notificationStream, ...(plan.delivery ? [plan.delivery.stream] : [])]);
    const existing = await this.store.existingStreams(em, streams);
    const fresh: FreshDelivery[] = [];
    for (const { notification, recipient, plan } of plans) {
      if (existing.has(plan.notificationStream) || (plan.delivery && existing.has(plan.delivery.stream))) {
        const delivery = await this.notifyMember(em, cause, notification, recipient);
        if (delivery) fresh.push(delivery);
        continue;
      }
      await this.notifications.handle(em, plan.notificationStream, plan.record, { startIfNew: true });
      if (!plan.delivery) continue;
      await this.deliveries.handle(em, podId, plan.delivery.command, { startIfNew: true });
      if (plan.delivery.fresh) fresh.push(plan.delivery.fresh);
    }
    return fresh;
  }

  /** What telling this member means: the inbox record, and the delivery (if any) on their first usable channel. */
  private plan(
    cause: NotificationCause,
    podId: string,
    notification: MemberNotification,
    recipient: RecipientProfile | null,
    pod: { languages: string[]; timeZone: string } | null,
  ) {
    const variant = recipient?.preferences.plainLanguage ? 'plain' : 'standard';
    const message = renderMessage({
      kind: notification.kind,
      locales: recipient?.locales ?? pod!.languages,
      variant,
      params: notification.params,
      timeZone: recipient?.timeZone ?? pod!.timeZone,
    });
    const notificationId = uuidV5(`${cause.eventId}:${notification.recipientMemberId}:${notification.kind}`, NOTIFICATION_ID_NAMESPACE);
    const record: RecordNotification = {
      type: 'RecordNotification',
      data: {
        notificationId,
        podId,
        recipientMemberId: notification.recipientMemberId,
        kind: notification.kind,
        causeEventId: cause.eventId,
        subjectId: notification.subjectId,
        locale: message.locale,
        text: message.body,
        channel: 'in-app',
      },
      metadata: cause.metadata,
    };
    const plan = { notificationStream: streamName('notification', podId, notificationId), record };
    if (!recipient) return { ...plan, delivery: null };
    const timeCritical = TIME_CRITICAL_KINDS.includes(notification.kind);
    if (recipient.paused && !timeCritical) return { ...plan, delivery: null };
    const usable = usableChannels(recipient, this.sms.available);
    const preferred = notification.preferChannel && usable.includes(notification.preferChannel) ? [notification.preferChannel] : [];
    const [channel, ...fallbackChannels] = [...preferred, ...usable.filter((candidate) => !preferred.includes(candidate))];
    if (!channel) return { ...plan, delivery: null };
    const cadence = timeCritical ? undefined : recipient.preferences.digests[notification.kind];
    const now = new Date(cause.metadata.now);
    const content: DeliveryContent = { type: 'rendered', locale: message.locale, subject: message.subject, body: message.body };
    const deliveryId = deliveryIdFor(cause.eventId, recipient.memberId, channel);
    const command: DecideDelivery = {
      type: 'DecideDelivery',
      data: {
        deliveryId,
        podId,
        notificationId,
        causeEventId: cause.eventId,
        kind: notification.kind,
        recipient: { type: 'member', memberId: recipient.memberId },
        channel,
        content,
        fallbackChannels,
        expiresAt: null,
        overridesQuietHours: Boolean(notification.emergency) && recipient.preferences.emergenciesOverrideQuietHours,
        digest: cadence ?? 'immediate',
        notBefore: (cadence ? nextDigestTime(now, cadence, recipient.timeZone) : now).toISOString(),
      },
      metadata: cause.metadata,
    };
    const fresh: FreshDelivery | null = cadence ? null : { deliveryId, podId, recipientMemberId: recipient.memberId, channel };
    return { ...plan, delivery: { stream: deliveryStream(podId, deliveryId), command, fresh } };
  }

  async notifyMembers(
    em: EntityManager,
    cause: NotificationCause,
    memberIds: readonly string[],
    notification: Omit<MemberNotification, 'recipientMemberId'>,
  ): Promise<void> {
    for (const recipientMemberId of new Set(memberIds)) await this.notifyMember(em, cause, { ...notification, recipientMemberId });
  }

  /** Sends an integration event's public facts to the pod's partner webhooks that asked for it. */
  async notifyPartners(em: EntityManager, cause: NotificationCause, eventType: PartnerEventType, payload: Record<string, unknown>): Promise<void> {
    if (!cause.podId) return;
    const endpoints = await query<{ endpoint_id: string }>(
      em,
      `select endpoint_id from webhook_endpoints where status = 'enabled' and (cardinality(event_types) = 0 or ? = any(event_types))`,
      [eventType],
    );
    for (const { endpoint_id: endpointId } of endpoints) {
      await this.deliveries.decide(
        em,
        {
          deliveryId: deliveryIdFor(cause.eventId, endpointId, 'webhook'),
          podId: cause.podId,
          notificationId: null,
          causeEventId: cause.eventId,
          kind: 'partner-event',
          recipient: { type: 'webhook-endpoint', endpointId },
          channel: 'webhook',
          content: { type: 'webhook-payload', eventType, payload },
          fallbackChannels: [],
          expiresAt: null,
          overridesQuietHours: true,
          digest: 'immediate',
          notBefore: cause.metadata.now,
        },
        cause.metadata,
      );
    }
  }
}
