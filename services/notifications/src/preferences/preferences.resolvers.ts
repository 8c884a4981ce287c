import type { INestApplication } from '@nestjs/common';
import { DomainRuleViolation } from '@mutuo/domain';
import { actingMember, commandMetadataFrom, type SubgraphContext } from '@mutuo/platform';
import { Clock, fromGraphQLEnum, toGraphQLEnum } from '@mutuo/service-kit';
import { NOTIFICATION_KINDS } from '../domain/notification-kinds';
import { PREFERENCE_CHANNELS, type NotificationPreferences } from '../domain/notification-preferences.decider';
import { isShippedLocale } from '../domain/templates/render-message';
import { SHIPPED_LOCALES } from '../domain/templates/shipped-templates';
import { ownMemberPod } from '../shared/own-member';
import { NotificationPreferencesHandler } from './notification-preferences.handler';
import type { Resolvers } from '../graphql/schema.types';

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
    digests: Object.fromEntries(
      (input.digests ?? []).map((digest) => [fromGraphQLEnum(NOTIFICATION_KINDS, digest.kind), fromGraphQLEnum(['daily', 'weekly'] as const, digest.cadence)]),
    ),
    language,
    plainLanguage: input.plainLanguage ?? false,
    emergenciesOverrideQuietHours: input.emergenciesOverrideQuietHours ?? false,
  };
}

export function preferencesResolvers(app: INestApplication) {
  const preferences = app.get(NotificationPreferencesHandler);
  const clock = app.get(Clock);

  return {
    Member: {
      notificationPreferences: async (member: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = ownMemberPod(member, ctx);
        return podId ? preferencesView(await preferences.get(podId, member.id)) : null;
      },
    },
    Mutation: {
      setNotificationPreferences: async (_: unknown, args: { input: PreferencesInput }, ctx: SubgraphContext) => {
        const { podId, memberId } = actingMember(ctx);
        const chosen = await preferences.set(podId, memberId, preferencesFrom(args.input), commandMetadataFrom(ctx, clock.now()));
        return preferencesView(chosen);
      },
    },
  } satisfies Resolvers;
}
