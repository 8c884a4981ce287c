import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { DigestPreference } from './delivery.decider';
import { NOTIFICATION_KINDS, TIME_CRITICAL_KINDS, type NotificationKind } from './notification-kinds';
import { SHIPPED_LOCALES, type ShippedLocale } from './templates/shipped-templates';

/** Where a member wants to be reached, in order. `in-app` is the inbox, always kept as history. */
export const PREFERENCE_CHANNELS = ['in-app', 'email', 'sms'] as const;
export type PreferenceChannel = (typeof PREFERENCE_CHANNELS)[number];

export interface NotificationPreferences {
  readonly channels: readonly PreferenceChannel[];
  /** Kinds the member wants collected into a daily or weekly digest; others go immediately. */
  readonly digests: Readonly<Partial<Record<NotificationKind, Exclude<DigestPreference, 'immediate'>>>>;
  /** Overrides the language membership knows; null keeps it. */
  readonly language: ShippedLocale | null;
  readonly plainLanguage: boolean;
  /** Emergencies in a declared incident may reach the member during quiet hours. */
  readonly emergenciesOverrideQuietHours: boolean;
}

/** Until a member says otherwise: e-mail then SMS, everything immediately, quiet hours kept even for emergencies. */
export const DEFAULT_PREFERENCES: NotificationPreferences = {
  channels: ['email', 'sms', 'in-app'],
  digests: {},
  language: null,
  plainLanguage: false,
  emergenciesOverrideQuietHours: false,
};

export type NotificationPreferencesState =
  { readonly status: 'default' } | ({ readonly status: 'chosen'; readonly memberId: string; readonly updatedAt: string } & NotificationPreferences);

export type SetNotificationPreferences = Command<'SetNotificationPreferences', { memberId: string; preferences: NotificationPreferences }>;
export type NotificationPreferencesSet = DomainEvent<'NotificationPreferencesSet', { memberId: string; updatedAt: string } & NotificationPreferences>;

/** Checks a member's choice; every refusal names its field. */
export function validatePreferences(preferences: NotificationPreferences): void {
  const { channels, digests, language } = preferences;
  if (channels.length === 0) throw new DomainRuleViolation('INVALID_PREFERENCES', 'Choose at least one channel', 'channels');
  channels.forEach((channel, index) => {
    if (!(PREFERENCE_CHANNELS as readonly string[]).includes(channel)) {
      throw new DomainRuleViolation('INVALID_PREFERENCES', `Unknown channel "${channel}"`, `channels.${index}`);
    }
    if (channels.indexOf(channel) !== index) throw new DomainRuleViolation('INVALID_PREFERENCES', `"${channel}" is listed twice`, `channels.${index}`);
  });
  for (const [kind, cadence] of Object.entries(digests)) {
    if (!(NOTIFICATION_KINDS as readonly string[]).includes(kind))
      throw new DomainRuleViolation('INVALID_PREFERENCES', `Unknown kind "${kind}"`, `digests.${kind}`);
    if (TIME_CRITICAL_KINDS.includes(kind as NotificationKind)) {
      throw new DomainRuleViolation('INVALID_PREFERENCES', `"${kind}" cannot wait for a digest`, `digests.${kind}`);
    }
    if (cadence !== 'daily' && cadence !== 'weekly') throw new DomainRuleViolation('INVALID_PREFERENCES', 'Use daily or weekly', `digests.${kind}`);
  }
  if (language !== null && !(SHIPPED_LOCALES as readonly string[]).includes(language)) {
    throw new DomainRuleViolation('UNKNOWN_LOCALE', `No templates in "${String(language)}"; choose one of ${SHIPPED_LOCALES.join(', ')}`, 'language');
  }
}

export const notificationPreferencesDecider: Decider<NotificationPreferencesState, SetNotificationPreferences, NotificationPreferencesSet> = {
  initialState: () => ({ status: 'default' }),

  decide(command, state) {
    switch (command.type) {
      case 'SetNotificationPreferences': {
        const { memberId, preferences } = command.data;
        validatePreferences(preferences);
        if (state.status === 'chosen' && JSON.stringify(withoutMeta(state)) === JSON.stringify(preferences)) return [];
        return [
          {
            type: 'NotificationPreferencesSet',
            data: { memberId, updatedAt: command.metadata.now, ...preferences },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'preferences command');
    }
  },

  evolve(_state, event) {
    switch (event.type) {
      case 'NotificationPreferencesSet':
        return { status: 'chosen', ...event.data };
      default:
        return assertNever(event.type, 'preferences event');
    }
  },
};

function withoutMeta(state: Extract<NotificationPreferencesState, { status: 'chosen' }>): NotificationPreferences {
  return {
    channels: state.channels,
    digests: state.digests,
    language: state.language,
    plainLanguage: state.plainLanguage,
    emergenciesOverrideQuietHours: state.emergenciesOverrideQuietHours,
  };
}
