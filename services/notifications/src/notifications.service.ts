import { join } from 'node:path';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { notificationsResolvers } from './graphql/notifications.resolvers';
import { InboxNotificationSchema } from './inbox/inbox-notification.entity';
import { inboxProjection } from './inbox/inbox.projection';
import { NOTIFICATIONS_MIGRATIONS } from './migrations/initial-schema.migration';
import { NotificationsModule } from './notifications.module';
import { RecipientSchema } from './recipients/recipient.entity';

export const notificationsService: ServiceDefinition = {
  name: 'notifications',
  defaultPort: 4105,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RecipientSchema, InboxNotificationSchema],
  migrations: NOTIFICATIONS_MIGRATIONS,
  projections: [inboxProjection],
  module: NotificationsModule,
  consumesEvents: true,
  resolvers: notificationsResolvers,
};
