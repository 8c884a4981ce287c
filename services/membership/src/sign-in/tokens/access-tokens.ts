import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PartnerScope } from '@mutuo/platform';
import { SignJWT } from 'jose';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../../shared/membership-auth.config';
import { SigningKeys } from './signing-keys';

export interface IssuedAccessToken {
  readonly token: string;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
}

/** Who a person's token speaks for: the pod they act in, its region, and the roles they hold there now. */
export interface PersonClaims {
  readonly personId: string;
  /** Null for a person in no pod yet: such a token may join or apply, and do nothing pod-scoped. */
  readonly podId: string | null;
  readonly regionSlug: string | null;
  readonly roles: readonly string[];
  readonly sessionId: string;
}

export interface ClientClaims {
  readonly clientId: string;
  readonly podId: string;
  readonly regionSlug: string | null;
  readonly scopes: readonly PartnerScope[];
}

/** The `sub` of a partner client's tokens: never mistaken for a person's id. */
export const clientSubject = (clientId: string) => `client:${clientId}`;

/**
 * Short-lived ES256 access tokens, verified by the gateway and every service against membership's JWKS. Issuer and
 * audience are the ones every verifier is configured with (JWT_ISSUER, JWT_AUDIENCE).
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
  ) {}

  forPerson(claims: PersonClaims, now: Date): Promise<IssuedAccessToken> {
    return this.sign(
      claims.personId,
      {
        ...(claims.podId ? { pod: claims.podId } : {}),
        ...(claims.regionSlug ? { region: claims.regionSlug } : {}),
        roles: [...claims.roles],
        sid: claims.sessionId,
      },
      now,
    );
  }

  /** A partner client never holds roles: what it may do is exactly its scopes, in exactly one pod. */
  forClient(claims: ClientClaims, now: Date): Promise<IssuedAccessToken> {
    return this.sign(
      clientSubject(claims.clientId),
      {
        client_id: claims.clientId,
        scope: claims.scopes.join(' '),
        pod: claims.podId,
        ...(claims.regionSlug ? { region: claims.regionSlug } : {}),
        roles: [],
      },
      now,
    );
  }

  private async sign(subject: string, payload: Record<string, unknown>, now: Date): Promise<IssuedAccessToken> {
    const key = this.keys.current();
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = issuedAt + this.config.accessTokenTtlSeconds;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid })
      .setSubject(subject)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { token, expiresAt: new Date(expiresAt * 1000).toISOString(), expiresInSeconds: this.config.accessTokenTtlSeconds };
  }
}
