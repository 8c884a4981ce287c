import { codeDeliveryKeyFrom, codeDeliveryKeyProductionProblem, codeDeliveryKeyVariable, DEV_CODE_DELIVERY_KEY } from '@mutuo/contracts';
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
import { normalizeContactValue } from '../domain/profile-values';

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
  /** Contact-verification codes one member may be sent per window, over all their channels. */
  readonly maxVerificationCodesPerMember: number;
  /** Codes one phone number may be sent per window, whoever asks (each SMS costs money and reaches a person). */
  readonly maxCodesPerPhoneNumber: number;
  /** Code requests plus code guesses one IP address may make per window. */
  readonly maxSignInRequestsPerIp: number;
  /** Time between purges of expired codes, counters and sessions; 0 turns it off. */
  readonly housekeepingIntervalMs: number;
  /** Addresses (normalized, lower case) whose sign-ins carry the `operator` role. */
  readonly operatorEmails: readonly string[];
  /** Address (normalized, lower case) → slug of the region its sign-ins steward (`region-steward` + region claim). */
  readonly regionStewards: ReadonlyMap<string, string>;
}

const REGION_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Addresses compare the way sign-in hashes them: normalized, then without case. */
const configuredAddress = (text: string): string | null => normalizeContactValue('email', text)?.toLowerCase() ?? null;

/** `MEMBERSHIP_OPERATOR_EMAILS`: comma-separated e-mail addresses. */
const operatorEmails = z.string().transform((list, ctx) => {
  const addresses: string[] = [];
  for (const entry of list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const address = configuredAddress(entry);
    if (address === null) ctx.addIssue({ code: 'custom', message: `has "${entry}", which is not an e-mail address`, input: entry });
    else addresses.push(address);
  }
  return [...new Set(addresses)];
});

/** `MEMBERSHIP_REGION_STEWARDS`: comma-separated `email=region-slug` pairs; one region per address (a token names one). */
const regionStewards = z.string().transform((list, ctx) => {
  const stewards = new Map<string, string>();
  const fail = (message: string, input: string) => ctx.addIssue({ code: 'custom', message, input });
  for (const entry of list
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const separator = entry.lastIndexOf('=');
    const address = separator > 0 ? configuredAddress(entry.slice(0, separator)) : null;
    const slug = separator > 0 ? entry.slice(separator + 1).trim() : '';
    if (address === null || !REGION_SLUG.test(slug) || slug.length > 40) {
      fail(`has "${entry}", which is not an email=region-slug pair`, entry);
    } else if (stewards.has(address) && stewards.get(address) !== slug) {
      fail(`gives ${address} two regions; a steward signs in for one`, entry);
    } else {
      stewards.set(address, slug);
    }
  }
  return stewards as ReadonlyMap<string, string>;
});

const signingKey = (variable: string) =>
  z.string().transform((pem, ctx) => {
    try {
      return es256SigningKeyFromPem(pem);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof InvalidSigningKeyError ? error.message : 'is not a usable signing key', input: variable });
      return z.NEVER;
    }
  });

export const membershipAuthEnvironment = z
  .object({
    NODE_ENV: nodeEnvironment(),
    MEMBERSHIP_SIGNING_KEY: signingKey('MEMBERSHIP_SIGNING_KEY').optional(),
    MEMBERSHIP_PREVIOUS_SIGNING_KEY: signingKey('MEMBERSHIP_PREVIOUS_SIGNING_KEY').optional(),
    MEMBERSHIP_HASH_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
    MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKeyVariable(),
    MEMBERSHIP_ACCESS_TOKEN_TTL_SECONDS: integerBetween(60, 3600).default(900),
    MEMBERSHIP_REFRESH_TOKEN_TTL_DAYS: integerBetween(1, 90).default(30),
    MEMBERSHIP_SESSION_MAX_DAYS: integerBetween(1, 365).default(90),
    MEMBERSHIP_SIGN_IN_CODE_TTL_SECONDS: integerBetween(60, 3600).default(600),
    MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS: integerBetween(1, 10).default(5),
    MEMBERSHIP_SIGN_IN_RATE_WINDOW_SECONDS: integerBetween(60, 86_400).default(900),
    MEMBERSHIP_SIGN_IN_MAX_CODES_PER_ADDRESS: integerBetween(1, 100).default(5),
    MEMBERSHIP_SIGN_IN_MAX_REQUESTS_PER_IP: integerBetween(1, 100_000).default(30),
    MEMBERSHIP_VERIFICATION_MAX_CODES_PER_MEMBER: integerBetween(1, 100).default(10),
    MEMBERSHIP_SMS_MAX_CODES_PER_NUMBER: integerBetween(1, 100).default(5),
    MEMBERSHIP_HOUSEKEEPING_INTERVAL_MS: integerBetween(0, 86_400_000).default(3_600_000),
    MEMBERSHIP_OPERATOR_EMAILS: operatorEmails.optional(),
    MEMBERSHIP_REGION_STEWARDS: regionStewards.optional(),
  })
  .superRefine(
    (config, ctx) => {
      if (config.NODE_ENV !== 'production') return;
      const fail = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });
      if (config.MEMBERSHIP_SIGNING_KEY === undefined) fail('MEMBERSHIP_SIGNING_KEY', 'is required in production');
      if (config.MEMBERSHIP_HASH_SECRET === undefined) fail('MEMBERSHIP_HASH_SECRET', 'is required in production');
      else if (config.MEMBERSHIP_HASH_SECRET === DEV_HASH_SECRET) fail('MEMBERSHIP_HASH_SECRET', 'must not be the development secret in production');
      const deliveryKeyProblem = codeDeliveryKeyProductionProblem(config.MEMBERSHIP_CODE_DELIVERY_KEY);
      if (deliveryKeyProblem) fail('MEMBERSHIP_CODE_DELIVERY_KEY', deliveryKeyProblem);
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
    maxVerificationCodesPerMember: config.MEMBERSHIP_VERIFICATION_MAX_CODES_PER_MEMBER,
    maxCodesPerPhoneNumber: config.MEMBERSHIP_SMS_MAX_CODES_PER_NUMBER,
    housekeepingIntervalMs: config.MEMBERSHIP_HOUSEKEEPING_INTERVAL_MS,
    operatorEmails: config.MEMBERSHIP_OPERATOR_EMAILS ?? [],
    regionStewards: config.MEMBERSHIP_REGION_STEWARDS ?? new Map(),
  };
}
