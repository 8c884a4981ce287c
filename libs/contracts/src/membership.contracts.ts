import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, languageTagField, slugField, timeZoneField, uuidField } from './field-schemas';

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

export const MEMBERSHIP_CONTRACTS = [RegionCreatedV1, PodCreatedV1, MemberJoinedV1] as const;
