import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { areaAlertsProjection } from './area-alerts/area-alerts.projection';
import { mountPublicRoutes } from './channels/public-routes.http';
import { mountInboundSms } from './inbound-sms/inbound-sms.http';
import { deliveriesProjection } from './deliveries/deliveries.projection';
import { notificationsResolvers } from './graphql/notifications.resolvers';
import { InboxNotificationSchema } from './shared/inbox-notification.entity';
import { inboxProjection } from './inbox/inbox.projection';
import { CHANNELS_MIGRATION } from './migrations/channels.migration';
import { PERSONAL_DATA_KEYS_MIGRATION } from './migrations/personal-data-keys.migration';
import { KNOWN_REQUEST_FACTS_MIGRATION } from './migrations/known-request-facts.migration';
import { KNOWN_REQUEST_ANONYMITY_MIGRATION } from './migrations/known-request-anonymity.migration';
import { MEMBER_LEFT_MIGRATION } from './migrations/member-left.migration';
import { INBOUND_SMS_MIGRATION } from './migrations/inbound-sms.migration';
import { notificationsPersonalDataCodec } from './privacy/personal-data.policy';
import { NOTIFICATIONS_MIGRATIONS } from './migrations/initial-schema.migration';
import { NotificationsModule } from './notifications.module';
import { publishNotificationsEvent } from './notifications.publish';
import { phoneTreesProjection } from './phone-tree/phone-trees.projection';
import { notificationPreferencesProjection } from './preferences/notification-preferences.projection';
import { RecipientSchema } from './recipients/recipient.entity';
import { webhookEndpointsProjection } from './webhooks/webhook-endpoints.projection';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';

export const notificationsService: ServiceDefinition = {
  name: 'notifications',
  defaultPort: 4105,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RecipientSchema, InboxNotificationSchema],
  migrations: [
    ...NOTIFICATIONS_MIGRATIONS,
    CHANNELS_MIGRATION,
    PERSONAL_DATA_KEYS_MIGRATION,
    KNOWN_REQUEST_FACTS_MIGRATION,
    MEMBER_LEFT_MIGRATION,
    PERSONAL_DATA_PROTECTION_MIGRATION,
    IDEMPOTENCY_KEYS_MIGRATION,
    KNOWN_REQUEST_ANONYMITY_MIGRATION,
    INBOUND_SMS_MIGRATION,
  ],
  // The runner brings each projection to the head before the next: the small ones go first, so a broadcast's stream of
  // inbox and delivery events never holds back the CAP alert, preferences, webhook endpoints or phone trees.
  projections: [
    areaAlertsProjection,
    notificationPreferencesProjection,
    webhookEndpointsProjection,
    phoneTreesProjection,
    inboxProjection,
    deliveriesProjection,
  ],
  module: NotificationsModule,
  consumesEvents: true,
  eventDataCodec: (_env, keks) => notificationsPersonalDataCodec(keks),
  // CAP documents for agencies, the SMS provider's delivery receipts and inbound texts: public, outside the gateway.
  mountPublicHttp: (app) => {
    mountPublicRoutes(app);
    mountInboundSms(app);
  },
  resolvers: notificationsResolvers,
  publish: publishNotificationsEvent,
};
