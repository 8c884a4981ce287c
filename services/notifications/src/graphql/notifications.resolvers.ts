import type { INestApplication } from '@nestjs/common';
import { mergeResolvers, type SubgraphContext } from '@mutuo/platform';
import { channelsResolvers } from '../channels/channels.resolvers';
import { deliveriesResolvers } from '../deliveries/deliveries.resolvers';
import { inboxResolvers } from '../inbox/inbox.resolvers';
import { markReadResolvers } from '../mark-read/mark-read.resolvers';
import { phoneTreeResolvers } from '../phone-tree/phone-tree.resolvers';
import { preferencesResolvers } from '../preferences/preferences.resolvers';
import { templatesResolvers } from '../templates/templates.resolvers';
import { webhooksResolvers } from '../webhooks/webhooks.resolvers';

/** The service's resolvers: each use case's part, merged. */
export function notificationsResolvers(app: INestApplication) {
  return mergeResolvers<SubgraphContext>(
    inboxResolvers(app),
    preferencesResolvers(app),
    markReadResolvers(app),
    deliveriesResolvers(app),
    templatesResolvers(),
    channelsResolvers(app),
    webhooksResolvers(app),
    phoneTreeResolvers(app),
  );
}
