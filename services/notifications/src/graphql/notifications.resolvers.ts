import { randomUUID } from 'node:crypto';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { INestApplication } from '@nestjs/common';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, plainText } from '@mutuo/domain';
import { commandMetadataFrom, requirePod, requireRole, type SubgraphContext } from '@mutuo/platform';
import { fromGraphQLEnum, toGraphQLEnum, Clock } from '@mutuo/service-kit';
import { EmailChannel } from '../channels/email.channel';
import { SmsChannel } from '../channels/sms.channel';
import { DeliveryHistoryQueries, type DeliveryRecord } from '../deliveries/delivery-history.queries';
import { NOTIFICATION_KINDS, type NotificationKind } from '../domain/notification-kinds';
import { PREFERENCE_CHANNELS, type NotificationPreferences } from '../domain/notification-preferences.decider';
import type { NotificationState } from '../domain/notification.decider';
import { compileTemplate, isShippedLocale, overrideKey, renderMessage } from '../domain/templates/render-message';
import { SHIPPED_LOCALES, TEMPLATE_VARIANTS } from '../domain/templates/shipped-templates';
import { TEMPLATE_EXAMPLES } from '../domain/templates/template-examples';
import { InboxQueries } from '../inbox/inbox.queries';
import { COORDINATOR_ROLES, requireUuid } from '../shared/graphql-input';
import type { InboxNotification } from '../inbox/inbox-notification.entity';
import { MarkNotificationReadHandler } from '../mark-read/mark-notification-read.handler';
import { NotificationPreferencesHandler } from '../preferences/notification-preferences.handler';
import { phoneTreeResolvers } from '../phone-tree/phone-tree.resolvers';
import { webhooksResolvers } from '../webhooks/webhooks.resolvers';

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@<>(),;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;


function fromState(state: Exclude<NotificationState, { status: 'none' }>): InboxNotification {
  return {
    id: state.notificationId,
    podId: state.podId,
    recipientMemberId: state.recipientMemberId,
    kind: state.kind,
    subjectId: state.subjectId,
    text: state.text,
    locale: state.locale,
    channel: state.channel,
    recordedAt: new Date(state.recordedAt),
    readAt: state.status === 'read' ? new Date(state.readAt) : null,
  };
}

function preferencesView(preferences: NotificationPreferences) {
  return {
    channels: preferences.channels.map(toGraphQLEnum),
    digests: Object.entries(preferences.digests).map(([kind, cadence]) => ({ kind: toGraphQLEnum(kind), cadence: toGraphQLEnum(cadence!) })),
    language: preferences.language,
    plainLanguage: preferences.plainLanguage,
    emergenciesOverrideQuietHours: preferences.emergenciesOverrideQuietHours,
  };
}

interface PreferencesInput {
  channels: string[];
  digests?: { kind: string; cadence: string }[] | null;
  language?: string | null;
  plainLanguage?: boolean | null;
  emergenciesOverrideQuietHours?: boolean | null;
}

function preferencesFrom(input: PreferencesInput): NotificationPreferences {
  const language = input.language ?? null;
  if (language !== null && !isShippedLocale(language)) {
    throw new DomainRuleViolation('UNKNOWN_LOCALE', `No templates in "${language}"; choose one of ${SHIPPED_LOCALES.join(', ')}`, 'input.language');
  }
  return {
    channels: input.channels.map((channel) => fromGraphQLEnum(PREFERENCE_CHANNELS, channel)),
    digests: Object.fromEntries((input.digests ?? []).map((digest) => [fromGraphQLEnum(NOTIFICATION_KINDS, digest.kind), fromGraphQLEnum(['daily', 'weekly'] as const, digest.cadence)])),
    language,
    plainLanguage: input.plainLanguage ?? false,
    emergenciesOverrideQuietHours: input.emergenciesOverrideQuietHours ?? false,
  };
}

function deliveryView(record: DeliveryRecord) {
  return {
    id: record.delivery_id,
    kind: record.kind,
    channel: toGraphQLEnum(record.channel),
    status: toGraphQLEnum(record.status),
    attempts: record.attempts,
    nextAttemptAt: new Date(record.next_attempt_at).toISOString(),
    lastError: record.last_error,
    receipt: record.receipt,
    decidedAt: new Date(record.decided_at).toISOString(),
    sentAt: record.sent_at ? new Date(record.sent_at).toISOString() : null,
  };
}

export function notificationsResolvers(app: INestApplication) {
  const inbox = app.get(InboxQueries);
  const markRead = app.get(MarkNotificationReadHandler);
  const preferences = app.get(NotificationPreferencesHandler);
  const history = app.get(DeliveryHistoryQueries);
  const email = app.get(EmailChannel);
  const sms = app.get(SmsChannel);
  const clock = app.get(Clock);
  const own = (member: { id: string }, ctx: SubgraphContext) => {
    const { identity, podId } = requirePod(ctx);
    return memberIdFor(podId, identity.subject) === member.id ? podId : null;
  };

  const core = {
    Member: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // An inbox is private: only the member themself sees it, everyone else gets null.
      inbox: (member: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = own(member, ctx);
        return podId ? inbox.forMember(podId, member.id) : null;
      },
      notificationPreferences: async (member: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = own(member, ctx);
        return podId ? preferencesView(await preferences.get(podId, member.id)) : null;
      },
    },
    Query: {
      notificationDeliveries: async (_: unknown, args: { notificationId: string }, ctx: SubgraphContext) => {
        const { podId } = requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        return (await history.forNotification(podId, requireUuid(args.notificationId, 'notificationId'))).map(deliveryView);
      },
      previewNotificationTemplate: (_: unknown, args: { input: { kind: string; locale: string; variant: string; subject: string; body: string } }, ctx: SubgraphContext) => {
        requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        const { input } = args;
        if (!isShippedLocale(input.locale)) {
          throw new DomainRuleViolation('UNKNOWN_LOCALE', `No templates in "${input.locale}"; choose one of ${SHIPPED_LOCALES.join(', ')}`, 'input.locale');
        }
        const kind: NotificationKind = fromGraphQLEnum(NOTIFICATION_KINDS, input.kind);
        const variant = fromGraphQLEnum(TEMPLATE_VARIANTS, input.variant);
        const subject = plainText(input.subject, { field: 'input.subject', max: 200 });
        const body = plainText(input.body, { field: 'input.body', max: 4000, multiline: true });
        compileTemplate(subject, input.locale, 'UTC', 'input.subject');
        compileTemplate(body, input.locale, 'UTC', 'input.body');
        const overrides = new Map([[overrideKey(kind, input.locale, variant), { subject, body }]]);
        try {
          return renderMessage({ kind, locales: [input.locale], variant, params: TEMPLATE_EXAMPLES[kind], timeZone: 'UTC', overrides });
        } catch (error) {
          if (error instanceof DomainRuleViolation) throw new DomainRuleViolation(error.code, error.message, error.field?.endsWith('.subject') ? 'input.subject' : 'input.body');
          throw new DomainRuleViolation('TEMPLATE_PARAMETER_UNKNOWN', `The template uses a value this kind does not have: ${(error as Error).message}`, 'input.body');
        }
      },
    },
    Mutation: {
      markNotificationRead: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const state = await markRead.handle(requireUuid(args.id, 'id'), ctx);
        if (state.status === 'none') throw new Error('A notification marked read must exist');
        return fromState(state);
      },
      setNotificationPreferences: async (_: unknown, args: { input: PreferencesInput }, ctx: SubgraphContext) => {
        const { identity, podId } = requirePod(ctx);
        const chosen = await preferences.set(podId, memberIdFor(podId, identity.subject), preferencesFrom(args.input), commandMetadataFrom(ctx, clock.now()));
        return preferencesView(chosen);
      },
      sendTestMessage: async (_: unknown, args: { channel: string; to: string }, ctx: SubgraphContext) => {
        requirePod(ctx);
        requireRole(ctx, ...COORDINATOR_ROLES);
        const to = args.to.trim();
        const deliveryId = randomUUID();
        const text = 'This is a test message from Mutuo. Your notification set-up works.';
        if (args.channel === 'EMAIL') {
          if (to.length > 254 || !EMAIL.test(to)) throw new DomainRuleViolation('INVALID_EMAIL', 'Give an e-mail address such as ana@example.org', 'to');
          const result = await email.send({ deliveryId, to, subject: 'Mutuo test message', text, locale: 'en' });
          return { accepted: result.type === 'accepted', error: result.type === 'accepted' ? null : result.error };
        }
        if (args.channel === 'SMS') {
          if (!E164.test(to)) throw new DomainRuleViolation('INVALID_PHONE', 'Give the number in E.164 form, such as +351912345678', 'to');
          const result = await sms.send({ deliveryId, podId: null, to, body: text });
          return { accepted: result.type === 'accepted', error: result.type === 'accepted' ? null : result.error };
        }
        throw new DomainRuleViolation('INVALID_CHANNEL', 'Test messages go by EMAIL or SMS', 'channel');
      },
    },
    Notification: {
      kind: (notification: InboxNotification) => toGraphQLEnum(notification.kind),
      recordedAt: (notification: InboxNotification) => notification.recordedAt.toISOString(),
      readAt: (notification: InboxNotification) => notification.readAt?.toISOString() ?? null,
    },
  };
  const parts = [core, webhooksResolvers(app), phoneTreeResolvers(app)] as Record<string, Record<string, unknown>>[];
  const merged: Record<string, Record<string, unknown>> = {};
  for (const part of parts) for (const [type, fields] of Object.entries(part)) merged[type] = { ...merged[type], ...fields };
  return merged as unknown as GraphQLResolverMap<SubgraphContext>;
}
