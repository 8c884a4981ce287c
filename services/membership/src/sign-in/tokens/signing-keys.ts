import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { devSigningKeyPath, loadOrCreateDevSigningKey, type Es256PublicJwk, type Es256SigningKey, type Logger } from '@mutuo/platform';
import { SERVICE_ENV, SERVICE_LOGGER } from '@mutuo/service-kit';
import { MEMBERSHIP_AUTH_CONFIG, type MembershipAuthConfig } from '../../shared/membership-auth.config';

export interface JsonWebKeySetDocument {
  readonly keys: readonly Es256PublicJwk[];
}

/**
 * The key membership signs tokens with, and the key set it publishes for every verifier. In production the key
 * comes from MEMBERSHIP_SIGNING_KEY only; on a development machine without it, the development key under .state/
 * (created on first use, shared with `npm run token`).
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private developmentKey: Es256SigningKey | undefined;

  constructor(
    @Inject(MEMBERSHIP_AUTH_CONFIG) private readonly config: MembershipAuthConfig,
    @Inject(SERVICE_ENV) private readonly env: NodeJS.ProcessEnv,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A service that cannot verify what membership signs would turn every signed-in person away.
    if (!this.config.verifiedAlgorithms.includes('ES256')) {
      this.logger.warn(
        { algorithms: this.config.verifiedAlgorithms },
        'Membership issues ES256 tokens, but this service verifies only other algorithms: point JWT_JWKS_URL at /.well-known/jwks.json with JWT_ALGORITHMS=ES256',
      );
    }
  }

  /** Signs every token; the development key is only read (or created) the first time a token is issued. */
  current(): Es256SigningKey {
    if (this.config.signingKey) return this.config.signingKey;
    if (!this.developmentKey) {
      const file = devSigningKeyPath(this.env);
      this.developmentKey = loadOrCreateDevSigningKey(file);
      this.logger.warn({ file }, 'Signing tokens with the development key: set MEMBERSHIP_SIGNING_KEY outside development');
    }
    return this.developmentKey;
  }

  /** The JWKS: the current key first, then keys kept for a rotation. Public halves only. */
  keySet(): JsonWebKeySetDocument {
    return { keys: [this.current(), ...this.config.previousSigningKeys].map((key) => key.publicJwk) };
  }
}
