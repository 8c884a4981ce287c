import { z } from 'zod';
import { ContractData, defineContract } from './contract';
import { displayTextField, timestampField, uuidField } from './field-schemas';

/** Pods joining and leaving regions, their settings, and members leaving pods. */

/** A GeoJSON Polygon (RFC 7946): closed rings of [longitude, latitude], the first the outline, the others holes. */
export const geoPolygonField = () =>
  z.object({
    type: z.literal('Polygon'),
    coordinates: z
      .array(
        z
          .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
          .min(4)
          .refine((ring) => ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1], {
            message: 'A ring ends where it starts',
          }),
      )
      .min(1),
  });

/** A region's stewards declined a pod's application: tell the applicant why. */
export const PodApplicationDeclinedV1 = defineContract({
  service: 'membership',
  name: 'pod-application-declined',
  version: 1,
  schema: z.object({
    /** Also the id the pod would have had. */
    applicationId: uuidField(),
    regionId: uuidField(),
    /** The identity provider's subject of the person who applied. */
    applicantPersonId: z.string().min(1).max(255),
    name: displayTextField(200),
    reason: displayTextField(1_000),
    declinedAt: timestampField(),
  }),
});
export type PodApplicationDeclinedV1Data = ContractData<typeof PodApplicationDeclinedV1>;

/** A pod is no longer part of its region: its requests no longer reach the region, and its stewards have no say. */
export const PodLeftRegionV1 = defineContract({
  service: 'membership',
  name: 'pod-left-region',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    regionId: uuidField(),
    leftAt: timestampField(),
  }),
});
export type PodLeftRegionV1Data = ContractData<typeof PodLeftRegionV1>;

/**
 * A pod outside any region (it left one) was admitted to a region by its stewards: from now on it is a neighbour there,
 * as if it had been created in it. Carries the service area so a reader needs nothing else to place the pod.
 */
export const PodJoinedRegionV1 = defineContract({
  service: 'membership',
  name: 'pod-joined-region',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    regionId: uuidField(),
    serviceArea: geoPolygonField().optional(),
    joinedAt: timestampField(),
  }),
});
export type PodJoinedRegionV1Data = ContractData<typeof PodJoinedRegionV1>;

/** How a pod works now, in full (not a diff), so a consumer only ever keeps the latest. */
export const PodSettingsChangedV1 = defineContract({
  service: 'membership',
  name: 'pod-settings-changed',
  version: 1,
  schema: z.object({
    podId: uuidField(),
    /** Who may see the pod's requests by default. */
    requestVisibility: z.enum(['pod', 'region', 'public']),
    /** Whether requests nobody in the pod takes up may be offered to neighbouring pods. */
    escalateToNeighbours: z.boolean(),
    admissionMode: z.enum(['open', 'invite-code', 'application']),
    changedAt: timestampField(),
  }),
});
export type PodSettingsChangedV1Data = ContractData<typeof PodSettingsChangedV1>;

/** A member left their pod: never suggest or notify them for it again; show them as a former member. */
export const MemberLeftV1 = defineContract({
  service: 'membership',
  name: 'member-left',
  version: 1,
  schema: z.object({
    memberId: uuidField(),
    podId: uuidField(),
    leftAt: timestampField(),
  }),
});
export type MemberLeftV1Data = ContractData<typeof MemberLeftV1>;

export const MEMBERSHIP_POD_CONTRACTS = [PodApplicationDeclinedV1, PodLeftRegionV1, PodJoinedRegionV1, PodSettingsChangedV1, MemberLeftV1] as const;
