import { Module } from '@nestjs/common';
import type { AuthVariables } from '@mutuo/platform';
import { SERVICE_CONFIG, SERVICE_ENV } from '@mutuo/service-kit';
import { RolesModule } from '../../roles/roles.module';
import { emailIndexHashes, KeyedHashes } from '../keyed-hashes';
import { AccessTokens } from './access-tokens';
import { ConfiguredStaff } from './configured-staff';
import { MEMBERSHIP_AUTH_CONFIG, membershipAuthConfigFrom, type MembershipAuthConfig } from '../../shared/membership-auth.config';
import { PersonStandings } from './person-standings';
import { SignInSessions } from './sign-in-sessions';
import { SigningKeys } from './signing-keys';

const services = [SigningKeys, AccessTokens, PersonStandings, SignInSessions, ConfiguredStaff];

/** Membership's side of authentication: its configuration, signing keys, access tokens and sessions. */
@Module({
  imports: [RolesModule],
  providers: [
    {
      provide: MEMBERSHIP_AUTH_CONFIG,
      useFactory: (env: NodeJS.ProcessEnv, serviceConfig: Partial<AuthVariables> | undefined) => membershipAuthConfigFrom(env, serviceConfig ?? {}),
      inject: [SERVICE_ENV, SERVICE_CONFIG],
    },
    {
      provide: KeyedHashes,
      useFactory: (config: MembershipAuthConfig) => {
        const hashes = new KeyedHashes(config.hashSecret);
        // The e-mail index projection runs outside Nest and needs the same key.
        emailIndexHashes.use(hashes);
        return hashes;
      },
      inject: [MEMBERSHIP_AUTH_CONFIG],
    },
    ...services,
  ],
  exports: [MEMBERSHIP_AUTH_CONFIG, KeyedHashes, ...services],
})
export class TokensModule {}
