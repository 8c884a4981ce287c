import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';
import { parseGeoPolygon, type GeoPolygon } from '@mutuo/domain';
import { hasPodLanguageShape, isValidTimeZone, POD_DESCRIPTION_MAX } from './pod.decider';
import { canonicalLanguageTag } from './profile-values';

/**
 * A prospective pod asks to join a region; the region's stewards approve or decline it. The application's
 * id is the id the pod will have, so the application stream, its events and its read-model row all belong
 * to that pod from the start, and approving it twice can never create two pods.
 */

export const POD_APPLICATION_LIMITS = {
  nameMin: 2,
  nameMax: 120,
  descriptionMax: POD_DESCRIPTION_MAX,
  maxLanguages: 10,
  displayNameMax: 80,
  reasonMax: 1_000,
} as const;

export interface PodApplicationDetails {
  readonly applicationId: string;
  readonly regionId: string;
  /** The person applying; they become the pod's first member and coordinator on approval. */
  readonly applicantPersonId: string;
  readonly applicantDisplayName: string;
  readonly name: string;
  readonly description: string;
  /** Canonical BCP 47 tags, in the pod's order of preference. */
  readonly languages: readonly string[];
  readonly timezone: string;
  readonly serviceArea: GeoPolygon;
}

export type PodApplicationState = { readonly status: 'none' } | ({ readonly status: 'pending' | 'approved' | 'declined' } & PodApplicationDetails);

/** `regionExists`: the handler read the region's stream. `serviceArea` is the client's value, checked here. */
export type SubmitPodApplication = Command<
  'SubmitPodApplication',
  Omit<PodApplicationDetails, 'serviceArea' | 'languages'> & { languages: readonly string[]; serviceArea: unknown; regionExists: boolean }
>;
/** The handler checked that the caller is a steward of the application's region (or an operator). */
export type ApprovePodApplication = Command<'ApprovePodApplication', { applicationId: string }>;
export type DeclinePodApplication = Command<'DeclinePodApplication', { applicationId: string; reason: string }>;
export type PodApplicationCommand = SubmitPodApplication | ApprovePodApplication | DeclinePodApplication;

export type PodApplicationSubmitted = DomainEvent<'PodApplicationSubmitted', PodApplicationDetails>;
export type PodApplicationApproved = DomainEvent<'PodApplicationApproved', { applicationId: string; regionId: string; podId: string }>;
export type PodApplicationDeclined = DomainEvent<
  'PodApplicationDeclined',
  { applicationId: string; regionId: string; applicantPersonId: string; name: string; reason: string }
>;
export type PodApplicationEvent = PodApplicationSubmitted | PodApplicationApproved | PodApplicationDeclined;

export const POD_APPLICATION_EVENT_TYPES = [
  'PodApplicationSubmitted',
  'PodApplicationApproved',
  'PodApplicationDeclined',
] as const satisfies readonly PodApplicationEvent['type'][];

export const podApplicationDecider: Decider<PodApplicationState, PodApplicationCommand, PodApplicationEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'SubmitPodApplication': {
        if (state.status !== 'none') throw new DomainRuleViolation('APPLICATION_EXISTS', 'This application already exists', 'id');
        const { regionExists, ...input } = command.data;
        if (!regionExists) throw new DomainRuleViolation('REGION_NOT_FOUND', 'No region with this id', 'regionId');
        const details: PodApplicationDetails = {
          applicationId: input.applicationId,
          regionId: input.regionId,
          applicantPersonId: input.applicantPersonId,
          applicantDisplayName: text(input.applicantDisplayName, 'applicantDisplayName', 1, POD_APPLICATION_LIMITS.displayNameMax, 'INVALID_DISPLAY_NAME'),
          name: text(input.name, 'name', POD_APPLICATION_LIMITS.nameMin, POD_APPLICATION_LIMITS.nameMax, 'INVALID_NAME'),
          description: text(input.description, 'description', 1, POD_APPLICATION_LIMITS.descriptionMax, 'INVALID_DESCRIPTION', true),
          languages: podLanguages(input.languages),
          timezone: timezone(input.timezone),
          serviceArea: parseGeoPolygon(input.serviceArea, 'serviceArea'),
        };
        return [{ type: 'PodApplicationSubmitted', data: details, metadata }];
      }
      case 'ApprovePodApplication': {
        const pending = requirePending(state);
        return [
          {
            type: 'PodApplicationApproved',
            data: { applicationId: pending.applicationId, regionId: pending.regionId, podId: pending.applicationId },
            metadata,
          },
        ];
      }
      case 'DeclinePodApplication': {
        const pending = requirePending(state);
        const reason = text(command.data.reason, 'reason', 1, POD_APPLICATION_LIMITS.reasonMax, 'INVALID_REASON', true);
        const { applicationId, regionId, applicantPersonId, name } = pending;
        return [{ type: 'PodApplicationDeclined', data: { applicationId, regionId, applicantPersonId, name, reason }, metadata }];
      }
      default:
        return assertNever(command, 'pod application command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodApplicationSubmitted':
        return { status: 'pending', ...event.data };
      case 'PodApplicationApproved':
        return state.status === 'none' ? state : { ...state, status: 'approved' };
      case 'PodApplicationDeclined':
        return state.status === 'none' ? state : { ...state, status: 'declined' };
      default:
        return assertNever(event, 'pod application event');
    }
  },
};

function requirePending(state: PodApplicationState): PodApplicationDetails {
  if (state.status === 'none') throw new DomainRuleViolation('APPLICATION_NOT_FOUND', 'No pod application with this id', 'id');
  if (state.status !== 'pending') {
    throw new DomainRuleViolation('APPLICATION_DECIDED', `This application was already ${state.status}`, 'id');
  }
  return state;
}

function text(value: string, field: string, min: number, max: number, code: string, multiline = false): string {
  return plainText(value, { field, min, max, code, multiline });
}

/**
 * Known languages only (an unknown tag is refused naming its position), in the shape pods use, each once.
 * The shape check keeps an approval from failing later: the pod itself accepts only that shape.
 */
function podLanguages(tags: readonly string[]): string[] {
  if (tags.length === 0) throw new DomainRuleViolation('INVALID_LANGUAGES', 'Give at least one language', 'languages');
  if (tags.length > POD_APPLICATION_LIMITS.maxLanguages) {
    throw new DomainRuleViolation('INVALID_LANGUAGES', `Give at most ${POD_APPLICATION_LIMITS.maxLanguages} languages`, 'languages');
  }
  const canonical = tags.map((tag, index) => {
    const known = canonicalLanguageTag(tag);
    if (known === null || !hasPodLanguageShape(known)) {
      throw new DomainRuleViolation('UNKNOWN_LANGUAGE_TAG', `"${tag}" is not a known BCP 47 language tag such as "pt", "en" or "pt-BR"`, `languages.${index}`);
    }
    return known;
  });
  return [...new Set(canonical)];
}

function timezone(zone: string): string {
  if (!isValidTimeZone(zone)) throw new DomainRuleViolation('INVALID_TIMEZONE', 'Give an IANA time zone such as "Europe/Lisbon"', 'timezone');
  return zone;
}
