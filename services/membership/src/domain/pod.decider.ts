import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, optionalPlainText, plainText } from '@mutuo/domain';
import { parseGeoPolygon, type GeoPolygon } from '@mutuo/domain';

export type PodState =
  | { status: 'none' }
  | {
      status: 'active';
      podId: string;
      /** Null once the pod has left its region. */
      regionId: string | null;
      name: string;
      languages: string[];
      timezone: string;
      description: string | null;
      serviceArea: GeoPolygon | null;
    };

export interface PodProfile {
  podId: string;
  regionId: string;
  name: string;
  languages: string[];
  timezone: string;
  /** Pods admitted through an application carry what they said about themselves; operators' pods may not. */
  description?: string;
  serviceArea?: GeoPolygon;
}

/** The region must exist: the handler looks it up and passes what it found. */
export type CreatePod = Command<'CreatePod', Omit<PodProfile, 'serviceArea'> & { serviceArea?: unknown; regionExists: boolean }>;
/** Decided for the pod's coordinators (the handler checked the caller holds the role). */
export type LeaveRegion = Command<'LeaveRegion', { podId: string; reason: string | null }>;
/** Decided for the stewards of `regionId` (the handler checked), who admit a pod that is outside any region. */
export type JoinRegion = Command<'JoinRegion', { podId: string; regionId: string; regionExists: boolean }>;
export type PodCommand = CreatePod | LeaveRegion | JoinRegion;

export type PodCreated = DomainEvent<'PodCreated', PodProfile>;
export type PodLeftRegion = DomainEvent<'PodLeftRegion', { podId: string; regionId: string; reason: string | null }>;
/** Carries the service area: whoever places pods in a region needs nothing else. */
export type PodJoinedRegion = DomainEvent<'PodJoinedRegion', { podId: string; regionId: string; serviceArea?: GeoPolygon }>;
export type PodEvent = PodCreated | PodLeftRegion | PodJoinedRegion;

// BCP 47 in the shape pods actually use: language, optional script, optional region (en, pt-BR, zh-Hant-TW).
const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;

/** Whether a tag has the shape pods use for their languages (see LANGUAGE_TAG); it does not check the language exists. */
export function hasPodLanguageShape(tag: string): boolean {
  return LANGUAGE_TAG.test(tag);
}

export const POD_DESCRIPTION_MAX = 500;
export const LEAVE_REASON_MAX = 1_000;

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
        const { regionExists, description, serviceArea, ...profile } = command.data;
        if (state.status !== 'none') throw new DomainRuleViolation('POD_EXISTS', 'This pod already exists', 'podId');
        if (!regionExists) throw new DomainRuleViolation('REGION_NOT_FOUND', 'No region with this id', 'regionId');
        const name = plainText(profile.name, { field: 'name', min: 2, max: 120, code: 'INVALID_NAME' });
        if (profile.languages.length === 0 || profile.languages.some((tag) => !hasPodLanguageShape(tag))) {
          throw new DomainRuleViolation('INVALID_LANGUAGES', 'Give at least one language as a BCP 47 tag such as "en" or "pt-BR"', 'languages');
        }
        if (!isValidTimeZone(profile.timezone)) {
          throw new DomainRuleViolation('INVALID_TIMEZONE', 'Give an IANA time zone such as "Europe/Lisbon"', 'timezone');
        }
        const data: PodProfile = { ...profile, name, languages: [...new Set(profile.languages)] };
        if (description !== undefined) {
          data.description = plainText(description, { field: 'description', max: POD_DESCRIPTION_MAX, multiline: true, code: 'INVALID_DESCRIPTION' });
        }
        if (serviceArea !== undefined) data.serviceArea = parseGeoPolygon(serviceArea, 'serviceArea');
        return [{ type: 'PodCreated', data, metadata: eventMetadataFrom(command.metadata) }];
      }
      case 'LeaveRegion': {
        if (state.status === 'none') throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        if (state.regionId === null) throw new DomainRuleViolation('NOT_IN_REGION', 'This pod is not part of a region', 'podId');
        const reason = optionalPlainText(command.data.reason, { field: 'reason', min: 0, max: LEAVE_REASON_MAX, multiline: true, code: 'INVALID_REASON' });
        return [
          {
            type: 'PodLeftRegion',
            data: { podId: state.podId, regionId: state.regionId, reason },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      }
      case 'JoinRegion': {
        if (state.status === 'none') throw new DomainRuleViolation('POD_NOT_FOUND', 'No pod with this id', 'podId');
        if (!command.data.regionExists) throw new DomainRuleViolation('REGION_NOT_FOUND', 'No region with this id', 'regionId');
        if (state.regionId !== null) {
          throw new DomainRuleViolation('ALREADY_IN_REGION', 'This pod is part of a region: it leaves that one first', 'podId');
        }
        const data: PodJoinedRegion['data'] = { podId: state.podId, regionId: command.data.regionId };
        if (state.serviceArea) data.serviceArea = state.serviceArea;
        return [{ type: 'PodJoinedRegion', data, metadata: eventMetadataFrom(command.metadata) }];
      }
      default:
        return assertNever(command, 'pod command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodCreated': {
        const { podId, regionId, name, languages, timezone, description, serviceArea } = event.data;
        return { status: 'active', podId, regionId, name, languages, timezone, description: description ?? null, serviceArea: serviceArea ?? null };
      }
      case 'PodLeftRegion':
        return state.status === 'active' ? { ...state, regionId: null } : state;
      case 'PodJoinedRegion':
        return state.status === 'active' ? { ...state, regionId: event.data.regionId } : state;
      default:
        return assertNever(event, 'pod event');
    }
  },
};
