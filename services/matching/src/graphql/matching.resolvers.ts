import type { INestApplication } from '@nestjs/common';
import { mergeResolvers, type SubgraphContext } from '@mutuo/platform';
import { directHelpResolvers } from '../direct-help/direct-help.resolvers';
import { matchLifecycleResolvers } from '../match-lifecycle/match-lifecycle.resolvers';
import { podSettingsResolvers } from '../pod-settings/pod-settings.resolvers';
import { requestMatchingResolvers } from '../request-matching/request-matching.resolvers';
import { suggestionsResolvers } from '../suggestions/suggestions.resolvers';

/** The service's resolvers: each use case's part, merged. */
export function matchingResolvers(app: INestApplication) {
  return mergeResolvers<SubgraphContext>(
    requestMatchingResolvers(app),
    suggestionsResolvers(app),
    matchLifecycleResolvers(app),
    directHelpResolvers(app),
    podSettingsResolvers(app),
  );
}
