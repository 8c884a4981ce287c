import { Inject, Injectable } from '@nestjs/common';
import { KeyedHashes } from '../keyed-hashes';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../../shared/membership-auth.config';

/** What the configuration grants an address's sign-ins, besides any pod standing. */
export interface StaffGrant {
  readonly roles: readonly string[];
  /** The region a steward acts for; it is the token's region claim. */
  readonly regionSlug: string | null;
}

export const NO_STAFF_GRANT: StaffGrant = { roles: [], regionSlug: null };

/**
 * Operators and region stewards are named by e-mail address in the configuration (MEMBERSHIP_OPERATOR_EMAILS,
 * MEMBERSHIP_REGION_STEWARDS), not by any member: they need no pod. Looked up by the address's keyed hash, which
 * sessions keep, so a refresh re-reads the configuration and removing an address ends the role at the next token.
 */
@Injectable()
export class ConfiguredStaff {
  private readonly grants = new Map<string, StaffGrant>();

  constructor(hashes: KeyedHashes, @Inject(MEMBERSHIP_AUTH_CONFIG) config: MembershipAuthConfig) {
    const addresses = new Set([...config.operatorEmails, ...config.regionStewards.keys()]);
    for (const address of addresses) {
      const regionSlug = config.regionStewards.get(address) ?? null;
      const roles = [...(config.operatorEmails.includes(address) ? ['operator'] : []), ...(regionSlug ? ['region-steward'] : [])];
      this.grants.set(hashes.emailAddress(address)!.toString('hex'), { roles, regionSlug });
    }
  }

  of(addressHash: Buffer | null): StaffGrant {
    return (addressHash && this.grants.get(addressHash.toString('hex'))) || NO_STAFF_GRANT;
  }
}
