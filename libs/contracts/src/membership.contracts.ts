import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { SignInCodeRequestedV1 } from './sign-in-code-delivery';
import { displayTextField, languageTagField, slugField, timeZoneField, timestampField, uuidField } from './field-schemas';
import { MEMBERSHIP_DECISION_CONTRACTS } from './membership-decisions.contracts';
import { geoPolygonField, MEMBERSHIP_POD_CONTRACTS } from './membership-pods.contracts';
import { MEMBERSHIP_PEOPLE_CONTRACTS } from './membership-people.contracts';

export const RegionCreatedV1 = defineContract({
  service: 'membership',
  name: 'region-created',
  version: 1,
  schema: z.object({
    regionId: uuidField(),
    name: displayTextField(200),
    slug: slugField(),
  }),
});
export type RegionCreatedV1Data = ContractData<typeof RegionCreatedV1>;

export const PodCreatedV1 = defineContract({
  service: 'membership',
  name: 'pod-created',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    regionId: uuidField(),
    name: displayTextField(200),
    /** The languages the pod works in, as BCP 47 tags; the first is the default. */
    languages: z.array(languageTagField()).min(1).max(20),
    timezone: timeZoneField(),
    /** Where the pod works; pods created directly by an operator may have none. */
    serviceArea: geoPolygonField().optional(),
  }),
});
export type PodCreatedV1Data = ContractData<typeof PodCreatedV1>;

export const MemberJoinedV1 = defineContract({
  service: 'membership',
  name: 'member-joined',
  version: 1,
  schema: z.object({
    /** `memberIdFor(podId, personId)`. */
    memberId: uuidField(),
    podId: uuidField(),
    /** The identity provider's subject for the person. */
    personId: z.string().min(1).max(255),
    displayName: displayTextField(100),
    preferredLanguage: languageTagField(),
  }),
});
export type MemberJoinedV1Data = ContractData<typeof MemberJoinedV1>;

/** A pod role: a built-in one (coordinator, treasurer, moderator, dispatcher) or one the pod defined, kebab-case. */
const roleNameField = () =>
  z
    .string()
    .min(2)
    .max(40)
    .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, { message: 'Use lowercase letters and digits joined by "-"' });

/** Someone holds a role for a new term: granted, appointed as a pod's first coordinator, handed over, or renewed. */
export const RoleGrantedV1 = defineContract({
  service: 'membership',
  name: 'role-granted',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    termId: uuidField(),
    memberId: uuidField(),
    role: roleNameField(),
    termStart: timestampField(),
    termEnd: timestampField(),
    /** 1 for a first term; counts terms in a row in this role. */
    consecutiveTerms: z.number().int().min(1),
    via: z.enum(['grant', 'bootstrap', 'handover', 'renewal']),
  }),
});
export type RoleGrantedV1Data = ContractData<typeof RoleGrantedV1>;

/** A term ends soon: remind the holder (and the pod) to renew or hand over. */
export const RoleTermEndingV1 = defineContract({
  service: 'membership',
  name: 'role-term-ending',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    termId: uuidField(),
    memberId: uuidField(),
    role: roleNameField(),
    termEnd: timestampField(),
    /** False when the holder has served the pod's limit of consecutive terms. */
    renewable: z.boolean(),
  }),
});
export type RoleTermEndingV1Data = ContractData<typeof RoleTermEndingV1>;

/** A term reached its end without renewal: the member no longer holds the role. */
export const RoleLapsedV1 = defineContract({
  service: 'membership',
  name: 'role-lapsed',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    termId: uuidField(),
    memberId: uuidField(),
    role: roleNameField(),
    endedAt: timestampField(),
  }),
});
export type RoleLapsedV1Data = ContractData<typeof RoleLapsedV1>;

/** A term ended early: its holder stepped down or handed the role to someone else. */
export const RoleEndedV1 = defineContract({
  service: 'membership',
  name: 'role-ended',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    termId: uuidField(),
    memberId: uuidField(),
    role: roleNameField(),
    endedAt: timestampField(),
    reason: z.enum(['stepped-down', 'handed-over']),
    /** The new holder, for a handover. */
    handedOverTo: uuidField().nullable(),
  }),
});
export type RoleEndedV1Data = ContractData<typeof RoleEndedV1>;

/**
 * A pod is about to be, or is, without a coordinator: region stewards should help it find one.
 * With `graceUntil` the last coordinator stays on until then; without it the pod has none now.
 */
export const CoordinatorGapAlertedV1 = defineContract({
  service: 'membership',
  name: 'coordinator-gap-alerted',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    lastCoordinatorMemberId: uuidField(),
    termId: uuidField(),
    reason: z.enum(['term-ended', 'grace-ended', 'stepped-down']),
    graceUntil: timestampField().nullable(),
  }),
});
export type CoordinatorGapAlertedV1Data = ContractData<typeof CoordinatorGapAlertedV1>;

/** Who a member blocked. The pair is never matched or shown to each other (both directions). */
const blockPair = {
  podId: uuidField(),
  blockerMemberId: uuidField(),
  blockedMemberId: uuidField(),
};

export const MemberBlockedV1 = defineContract({
  service: 'membership',
  name: 'member-blocked',
  version: 1,
  schema: z.object(blockPair),
});
export type MemberBlockedV1Data = ContractData<typeof MemberBlockedV1>;

/** A block was lifted: the pair may be matched again. */
export const MemberUnblockedV1 = defineContract({
  service: 'membership',
  name: 'member-unblocked',
  version: 1,
  schema: z.object(blockPair),
});
export type MemberUnblockedV1Data = ContractData<typeof MemberUnblockedV1>;

/** The canonical weekly rule membership writes: `FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=18;BYMINUTE=30`. */
const WEEKLY_RULE = /^FREQ=WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*;BYHOUR=\d{1,2}(,\d{1,2})*;BYMINUTE=\d{1,2}(,\d{1,2})*$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A member's limits changed. Matching and notifications must respect them (times are in `timezone`). */
export const BoundariesChangedV1 = defineContract({
  service: 'membership',
  name: 'boundaries-changed',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    /** Weekly windows in which the member may be asked: each rule gives the starts, each lasting `durationMinutes`. */
    availability: z
      .array(
        z.object({
          rrule: z.string().max(200).regex(WEEKLY_RULE, { message: 'Expected a canonical weekly RRULE' }),
          durationMinutes: z.number().int().min(15).max(1440),
        }),
      )
      .max(28),
    /** Hours a week, in whole or half hours; 0 means "do not ask me now". */
    weeklyCapacityHours: z.number().min(0).max(168).multipleOf(0.5),
    /** Local times in `timezone`; the end may be on the next day. */
    quietHours: z.object({ start: z.string().regex(LOCAL_TIME), end: z.string().regex(LOCAL_TIME) }).nullable(),
    timezone: timeZoneField(),
  }),
});
export type BoundariesChangedV1Data = ContractData<typeof BoundariesChangedV1>;

/** A member stepped back (or moved their return date). Nobody suggests them for anything until they return. */
export const MemberPausedV1 = defineContract({
  service: 'membership',
  name: 'member-paused',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    pausedAt: timestampField(),
    /** When membership returns them automatically; null until they return themselves. */
    returnAt: timestampField().nullable(),
  }),
});
export type MemberPausedV1Data = ContractData<typeof MemberPausedV1>;

/** A paused member is active again, by their own hand or because their return date passed (`automatic`). */
export const MemberReturnedV1 = defineContract({
  service: 'membership',
  name: 'member-returned',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    returnedAt: timestampField(),
    automatic: z.boolean(),
  }),
});
export type MemberReturnedV1Data = ContractData<typeof MemberReturnedV1>;

export const MEMBERSHIP_CONTRACTS = [
  ...MEMBERSHIP_POD_CONTRACTS,
  ...MEMBERSHIP_DECISION_CONTRACTS,
  ...MEMBERSHIP_PEOPLE_CONTRACTS,
  RegionCreatedV1,
  PodCreatedV1,
  MemberJoinedV1,
  RoleGrantedV1,
  RoleTermEndingV1,
  RoleLapsedV1,
  RoleEndedV1,
  CoordinatorGapAlertedV1,
  MemberBlockedV1,
  MemberUnblockedV1,
  BoundariesChangedV1,
  MemberPausedV1,
  MemberReturnedV1,
  SignInCodeRequestedV1,
] as const;
