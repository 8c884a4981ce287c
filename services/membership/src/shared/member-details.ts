import type { RequestCategory } from '@mutuo/contracts';
import type { GeoPoint } from '@mutuo/domain';
import type { Boundaries } from '../domain/member-boundaries.decider';
import type { ContactChannelKind } from '../domain/profile-values';

/** The shapes the Member resolvers read, whether from the read models or from a fresh snapshot of the stream. */

export interface PublicProfile {
  readonly pronouns: string | null;
  readonly languages: readonly string[];
  readonly skills: readonly RequestCategory[];
  readonly locationCell: string | null;
}

export interface ContactChannelDetails {
  readonly channelId: string;
  readonly kind: ContactChannelKind;
  readonly value: string;
  readonly verified: boolean;
  readonly preferred: boolean;
}

/** Visible only to the member and the pod's coordinators (see member-visibility.ts). */
export interface PrivateDetails {
  readonly contactChannels: readonly ContactChannelDetails[];
  readonly precise: GeoPoint | null;
}

export interface PauseDetails {
  readonly pausedAt: string;
  readonly returnAt: string | null;
}

/** Everything a mutation knows right after deciding, so its answer never waits for the read models. */
export interface MemberSnapshot {
  readonly profile: PublicProfile;
  readonly privateDetails: PrivateDetails;
  readonly boundaries: Boundaries | null;
  readonly pause: PauseDetails | null;
}

/** The parent object of every Member field resolver. */
export interface MemberParent {
  readonly id: string;
  readonly podId: string;
  readonly displayName: string;
  readonly preferredLanguage: string;
  readonly joinedAt: Date | string;
  /** Present on mutation answers only. */
  readonly snapshot?: MemberSnapshot;
}
