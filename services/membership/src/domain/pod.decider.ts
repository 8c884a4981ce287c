import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

export type PodState =
  | { status: 'none' }
  | { status: 'active'; podId: string; regionId: string; name: string; languages: string[]; timezone: string };

export interface PodProfile {
  podId: string;
  regionId: string;
  name: string;
  languages: string[];
  timezone: string;
}

/** The region must exist: the handler looks it up and passes what it found. */
export type CreatePod = Command<'CreatePod', PodProfile & { regionExists: boolean }>;
export type PodCommand = CreatePod;

export type PodCreated = DomainEvent<'PodCreated', PodProfile>;
export type PodEvent = PodCreated;

// BCP 47 in the shape pods actually use: language, optional script, optional region (en, pt-BR, zh-Hant-TW).
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;

export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export const podDecider: Decider<PodState, PodCommand, PodEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'CreatePod': {
        const { regionExists, ...profile } = command.data;
        if (state.status !== 'none') throw new DomainRuleViolation('POD_EXISTS', 'This pod already exists', 'podId');
        if (!regionExists) throw new DomainRuleViolation('REGION_NOT_FOUND', 'No region with this id', 'regionId');
        const name = profile.name.trim();
        if (name.length < 2 || name.length > 120) {
          throw new DomainRuleViolation('INVALID_NAME', 'A pod name has 2 to 120 characters', 'name');
        }
        if (profile.languages.length === 0 || profile.languages.some((tag) => !LANGUAGE_TAG.test(tag))) {
          throw new DomainRuleViolation('INVALID_LANGUAGES', 'Give at least one language as a BCP 47 tag such as "en" or "pt-BR"', 'languages');
        }
        if (!isValidTimeZone(profile.timezone)) {
          throw new DomainRuleViolation('INVALID_TIMEZONE', 'Give an IANA time zone such as "Europe/Lisbon"', 'timezone');
        }
        return [
          {
            type: 'PodCreated',
            data: { ...profile, name, languages: [...new Set(profile.languages)] },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      default:
        return assertNever(command.type, 'pod command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodCreated':
        return { status: 'active', ...event.data };
      default:
        return assertNever(event.type, 'pod event');
    }
  },
};
