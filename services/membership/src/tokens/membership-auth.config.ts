import { codeDeliveryKeyFrom, DEV_CODE_DELIVERY_KEY } from '@mutuo/contracts';
import {
  es256SigningKeyFromPem,
  integerBetween,
  InvalidSigningKeyError,
  loadConfig,
  MIN_SECRET_LENGTH,
  nodeEnvironment,
  resolveAuthVariables,
  type AuthVariables,
  type Es256SigningKey,
} from '@mutuo/platform';
import { z } from 'zod';

export const MEMBERSHIP_AUTH_CONFIG = Symbol('MEMBERSHIP_AUTH_CONFIG');

/** Published so anyone can see it is development-only; production refuses it (and DEV_CODE_DELIVERY_KEY). */
export const DEV_HASH_SECRET = 'mutuo-development-only-membership-hash-secret';

/** Sign-in, session and partner-client settings of the membership service. */
export interface MembershipAuthConfig {
  readonly production: boolean;
  /** The `iss` and `aud` of every token: those all verifiers are configured with (JWT_ISSUER, JWT_AUDIENCE). */
  readonly issuer: string;
  readonly audience: string;
  /** What this service itself accepts (JWT_ALGORITHMS), to warn when it would refuse its own tokens. */
  readonly verifiedAlgorithms: readonly string[];
  /** Null in development without MEMBERSHIP_SIGNING_KEY: the development key under .state/ is used, created on first use. */
  readonly signingKey: Es256SigningKey | null;
  /** Still published in the JWKS (never used to sign), so tokens it signed stay valid through a key rotation. */
  readonly previousSigningKeys: readonly Es256SigningKey[];
  /** Keys the HMACs of e-mail addresses, codes and IP addresses. */
  readonly hashSecret: string;
  /** AES-256-GCM key shared with notifications, which delivers the codes. */
  readonly codeDeliveryKey: Buffer;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly sessionMaxSeconds: number;
  readonly codeTtlSeconds: number;
  readonly codeMaxAttempts: number;
  readonly rateWindowSeconds: number;
  /** Codes one address may be sent per window. */
  readonly maxCodesPerAddress: number;
  /** Code requests plus code guesses one IP address may make per window. */
  readonly maxSignInRequestsPerIp: number;
  /** Time between purges of expired codes, counters and sessions; 0 turns it off. */
  readonly housekeepingIntervalMs: number;
}

const signingKey = (variable: string) =>
  z.string().transform((pem, ctx) => {
    try {
      return es256SigningKeyFromPem(pem);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof InvalidSigningKeyError ? error.message : 'is not a usable signing key', input: variable });
      return z.NEVER;
    }
  });

const membershipAuthEnvironment = z
  .object({
    NODE_ENV: nodeEnvironment(),
    MEMBERSHIP_SIGNING_KEY: signingKey('MEMBERSHIP_SIGNING_KEY').optional(),
    MEMBERSHIP_PREVIOUS_SIGNING_KEY: signingKey('MEMBERSHIP_PREVIOUS_SIGNING_KEY').optional(),
    MEMBERSHIP_HASH_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
    MEMBERSHIP_CODE_DELIVERY_KEY: z
      .string()
      .transform((value, ctx) => {
        try {
          return codeDeliveryKeyFrom(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message, input: value });
          return z.NEVER;
        }
      })
      .optional(),
    MEMBERSHIP_ACCESS_TOKEN_TTL_SECONDS: integerBetween(60, 3600).default(900),
    MEMBERSHIP_REFRESH_TOKEN_TTL_DAYS: integerBetween(1, 90).default(30),
    MEMBERSHIP_SESSION_MAX_DAYS: integerBetween(1, 365).default(90),
    MEMBERSHIP_SIGN_IN_CODE_TTL_SECONDS: integerBetween(60, 3600).default(600),
    MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS: integerBetween(1, 10).default(5),
    MEMBERSHIP_SIGN_IN_RATE_WINDOW_SECONDS: integerBetween(60, 86_400).default(900),
    MEMBERSHIP_SIGN_IN_MAX_CODES_PER_ADDRESS: integerBetween(1, 100).default(5),
    MEMBERSHIP_SIGN_IN_MAX_REQUESTS_PER_IP: integerBetween(1, 100_000).default(30),
    MEMBERSHIP_HOUSEKEEPING_INTERVAL_MS: integerBetween(0, 86_400_000).default(3_600_000),
  })
  .superRefine(
    (config, ctx) => {
      if (config.NODE_ENV !== 'production') return;
      const fail = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });
      if (config.MEMBERSHIP_SIGNING_KEY === undefined) fail('MEMBERSHIP_SIGNING_KEY', 'is required in production');
      if (config.MEMBERSHIP_HASH_SECRET === undefined) fail('MEMBERSHIP_HASH_SECRET', 'is required in production');
      else if (config.MEMBERSHIP_HASH_SECRET === DEV_HASH_SECRET) fail('MEMBERSHIP_HASH_SECRET', 'must not be the development secret in production');
      if (config.MEMBERSHIP_CODE_DELIVERY_KEY === undefined) fail('MEMBERSHIP_CODE_DELIVERY_KEY', 'is required in production');
      else if (config.MEMBERSHIP_CODE_DELIVERY_KEY.equals(codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY))) {
        fail('MEMBERSHIP_CODE_DELIVERY_KEY', 'must not be the development key in production');
      }
      if (
        config.MEMBERSHIP_SIGNING_KEY &&
        config.MEMBERSHIP_PREVIOUS_SIGNING_KEY &&
        config.MEMBERSHIP_SIGNING_KEY.kid === config.MEMBERSHIP_PREVIOUS_SIGNING_KEY.kid
      ) {
        fail('MEMBERSHIP_PREVIOUS_SIGNING_KEY', 'must differ from MEMBERSHIP_SIGNING_KEY');
      }
    },
    { when: () => true },
  );

/**
 * Reads and checks the variables; a problem throws ConfigError naming every bad variable, and the service does not
 * start. `serviceConfig` is the service's loaded configuration (issuer, audience, algorithms; development defaults
 * fill what it lacks).
 */
export function membershipAuthConfigFrom(env: NodeJS.ProcessEnv, serviceConfig: Partial<AuthVariables> = {}): MembershipAuthConfig {
  const config = loadConfig(membershipAuthEnvironment, env);
  const auth = resolveAuthVariables(serviceConfig);
  return {
    production: config.NODE_ENV === 'production',
    issuer: auth.JWT_ISSUER,
    audience: auth.JWT_AUDIENCE,
    verifiedAlgorithms: auth.JWT_ALGORITHMS,
    signingKey: config.MEMBERSHIP_SIGNING_KEY ?? null,
    previousSigningKeys: config.MEMBERSHIP_PREVIOUS_SIGNING_KEY ? [config.MEMBERSHIP_PREVIOUS_SIGNING_KEY] : [],
    hashSecret: config.MEMBERSHIP_HASH_SECRET ?? DEV_HASH_SECRET,
    codeDeliveryKey: config.MEMBERSHIP_CODE_DELIVERY_KEY ?? codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY),
    accessTokenTtlSeconds: config.MEMBERSHIP_ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.MEMBERSHIP_REFRESH_TOKEN_TTL_DAYS * 86_400,
    sessionMaxSeconds: config.MEMBERSHIP_SESSION_MAX_DAYS * 86_400,
    codeTtlSeconds: config.MEMBERSHIP_SIGN_IN_CODE_TTL_SECONDS,
    codeMaxAttempts: config.MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS,
    rateWindowSeconds: config.MEMBERSHIP_SIGN_IN_RATE_WINDOW_SECONDS,
    maxCodesPerAddress: config.MEMBERSHIP_SIGN_IN_MAX_CODES_PER_ADDRESS,
    maxSignInRequestsPerIp: config.MEMBERSHIP_SIGN_IN_MAX_REQUESTS_PER_IP,
    housekeepingIntervalMs: config.MEMBERSHIP_HOUSEKEEPING_INTERVAL_MS,
  };
}
