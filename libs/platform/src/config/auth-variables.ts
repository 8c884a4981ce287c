import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { DEV_GATEWAY_SHARED_SECRET, DEV_JWT_ALGORITHMS, DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from './dev-defaults';

export const SYMMETRIC_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
const KNOWN_JWT_ALGORITHMS: readonly string[] = [...SYMMETRIC_JWT_ALGORITHMS, ...ASYMMETRIC_JWT_ALGORITHMS];

/** Long enough that guessing is hopeless (256 bits of ASCII). */
export const MIN_SECRET_LENGTH = 32;

/** PEM keys often arrive through env files with literal `\n`. */
function normalisePem(value: string): string {
  return value.replace(/\\n/g, '\n').trim();
}

function isPublicKeyPem(value: string): boolean {
  try {
    return createPublicKey(value).type === 'public';
  } catch {
    return false;
  }
}

/**
 * The variables with which the gateway and every service verify tokens and trust each other. Spread it into a
 * z.object, add `checkAuthVariables` as a superRefine and finish with `resolveAuthVariables`, so both sides apply the
 * same rules and the same development defaults.
 */
export const authVariablesShape = {
  GATEWAY_SHARED_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  JWT_ISSUER: z.string().min(1, 'must not be empty').optional(),
  JWT_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
  JWT_ALGORITHMS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .superRefine((algorithms, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message, input: algorithms });
      if (algorithms.length === 0) fail('must list at least one algorithm');
      else if (algorithms.some((alg) => alg.toLowerCase() === 'none')) {
        fail('must not include "none" (unsigned tokens are never accepted)');
      } else {
        const unknown = algorithms.filter((alg) => !KNOWN_JWT_ALGORITHMS.includes(alg));
        if (unknown.length > 0) fail(`must list only ${KNOWN_JWT_ALGORITHMS.join(', ')} (got ${unknown.join(', ')})`);
      }
    })
    .optional(),
  JWT_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  JWT_PUBLIC_KEY: z.string().transform(normalisePem).refine(isPublicKeyPem, 'must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)').optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).optional(),
};

export type AuthVariables = z.output<z.ZodObject<typeof authVariablesShape>>;

/**
 * Rules across variables; production must be configured on purpose, every development shortcut is refused there.
 * Run it with `{ when: () => true }` so its problems are reported together with malformed variables.
 */
export function checkAuthVariables(config: Partial<AuthVariables> & { readonly NODE_ENV?: unknown }, ctx: z.RefinementCtx): void {
  const production = config.NODE_ENV === 'production';
  const fail = (variable: keyof AuthVariables, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: config[variable] });

  const keySources = (['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'] as const).filter((name) => config[name] !== undefined);
  if (keySources.length > 1) {
    fail(keySources[1]!, `must not be combined with ${keySources[0]}: configure exactly one JWT key source`);
  }
  if (production) {
    if (config.GATEWAY_SHARED_SECRET === undefined) fail('GATEWAY_SHARED_SECRET', 'is required in production');
    else if (config.GATEWAY_SHARED_SECRET === DEV_GATEWAY_SHARED_SECRET) {
      fail('GATEWAY_SHARED_SECRET', 'must not be the development secret in production');
    }
    if (keySources.length === 0) fail('JWT_SECRET', '(or JWT_PUBLIC_KEY or JWT_JWKS_URL) is required in production');
    if (config.JWT_SECRET === DEV_JWT_SECRET) fail('JWT_SECRET', 'must not be the development secret in production');
    if (config.JWT_ISSUER === undefined) fail('JWT_ISSUER', 'is required in production');
    else if (config.JWT_ISSUER === DEV_JWT_ISSUER) fail('JWT_ISSUER', 'must not be the development issuer in production');
    if (config.JWT_AUDIENCE === undefined) fail('JWT_AUDIENCE', 'is required in production');
    else if (config.JWT_AUDIENCE === DEV_JWT_AUDIENCE) fail('JWT_AUDIENCE', 'must not be the development audience in production');
    if (config.JWT_ALGORITHMS === undefined) fail('JWT_ALGORITHMS', 'is required in production');
    if (typeof config.JWT_JWKS_URL === 'string' && !config.JWT_JWKS_URL.startsWith('https://')) {
      fail('JWT_JWKS_URL', 'must be an https:// URL in production');
    }
  }

  // A key source and the algorithms must agree, or an attacker could pick the weaker family.
  const algorithms = Array.isArray(config.JWT_ALGORITHMS) ? config.JWT_ALGORITHMS : DEV_JWT_ALGORITHMS;
  const symmetric = algorithms.filter((alg) => (SYMMETRIC_JWT_ALGORITHMS as readonly string[]).includes(alg));
  const usesSecret = keySources.length === 0 || keySources[0] === 'JWT_SECRET';
  if (usesSecret && symmetric.length !== algorithms.length) {
    fail('JWT_ALGORITHMS', `must list only ${SYMMETRIC_JWT_ALGORITHMS.join(', ')} when tokens are verified with JWT_SECRET`);
  }
  if (!usesSecret && symmetric.length > 0) {
    fail('JWT_ALGORITHMS', `must not list ${symmetric.join(', ')} when tokens are verified with ${keySources[0]}`);
  }
}

/** What the auth variables come to once the development defaults fill the gaps; exactly one key source is set. */
export interface ResolvedAuthVariables {
  readonly GATEWAY_SHARED_SECRET: string;
  readonly JWT_ISSUER: string;
  readonly JWT_AUDIENCE: string;
  readonly JWT_ALGORITHMS: string[];
  readonly JWT_SECRET: string | undefined;
}

/** Fills every auth variable left unset with its development default (checkAuthVariables refuses that in production). */
export function resolveAuthVariables(config: Partial<AuthVariables>): ResolvedAuthVariables {
  const hasKey = config.JWT_SECRET !== undefined || config.JWT_PUBLIC_KEY !== undefined || config.JWT_JWKS_URL !== undefined;
  return {
    GATEWAY_SHARED_SECRET: config.GATEWAY_SHARED_SECRET ?? DEV_GATEWAY_SHARED_SECRET,
    JWT_ISSUER: config.JWT_ISSUER ?? DEV_JWT_ISSUER,
    JWT_AUDIENCE: config.JWT_AUDIENCE ?? DEV_JWT_AUDIENCE,
    JWT_ALGORITHMS: config.JWT_ALGORITHMS ?? [...DEV_JWT_ALGORITHMS],
    JWT_SECRET: hasKey ? config.JWT_SECRET : DEV_JWT_SECRET,
  };
}
