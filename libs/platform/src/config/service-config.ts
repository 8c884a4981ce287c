import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import {
  DEV_GATEWAY_SHARED_SECRET,
  DEV_JWT_ALGORITHMS,
  DEV_JWT_AUDIENCE,
  DEV_JWT_ISSUER,
  DEV_JWT_SECRET,
} from './dev-defaults';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const SYMMETRIC_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_JWT_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;
const KNOWN_JWT_ALGORITHMS: readonly string[] = [...SYMMETRIC_JWT_ALGORITHMS, ...ASYMMETRIC_JWT_ALGORITHMS];

const SERVICE_NAME = /^[a-z][a-z0-9_]{0,29}$/;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function integerBetween(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().min(min, message).max(max, message));
}

export function postgresUrl() {
  return z.string().refine(isPostgresUrl, 'must be a postgres:// URL');
}

function isPostgresUrl(value: string): boolean {
  const url = parseUrl(value);
  return !!url && (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && !!url.hostname && url.pathname.length > 1;
}

function isNatsUrlList(value: string): boolean {
  return value.split(',').every((part) => {
    const url = parseUrl(part.trim());
    return !!url && (url.protocol === 'nats:' || url.protocol === 'tls:') && !!url.hostname;
  });
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

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

function commonShape(service: string, defaultPort: number) {
  return {
    NODE_ENV: z.enum(NODE_ENVIRONMENTS, { error: `must be one of ${NODE_ENVIRONMENTS.join(', ')}` }).default('development'),
    PORT: integerBetween(1, 65535).default(defaultPort),
    HOST: z.string().regex(/^\S+$/, 'must be a host name or IP address').default('127.0.0.1'),
    REGION: z.string().regex(SLUG, 'must be a lowercase slug such as "north-east"').default('local'),
    DATABASE_URL: postgresUrl().default(`postgres://mutuo_${service}_app@127.0.0.1:5432/mutuo_${service}`),
    DATABASE_ADMIN_URL: postgresUrl().default(`postgres://postgres@127.0.0.1:5432/mutuo_${service}`),
    DATABASE_APP_PASSWORD: z.string().optional(),
    NATS_URL: z
      .string()
      .refine(isNatsUrlList, 'must be a nats:// URL (or a comma-separated list of them)')
      .default('nats://127.0.0.1:4222'),
    NATS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "-" or "_"').default('mutuo'),
    GATEWAY_SHARED_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    JWT_ISSUER: z.string().min(1, 'must not be empty').optional(),
    JWT_AUDIENCE: z.string().min(1, 'must not be empty').optional(),
    JWT_ALGORITHMS: z
      .string()
      .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
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
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    JWT_PUBLIC_KEY: z
      .string()
      .transform(normalisePem)
      .refine(isPublicKeyPem, 'must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)')
      .optional(),
    JWT_JWKS_URL: z
      .string()
      .refine((value) => ['https:', 'http:'].includes(parseUrl(value)?.protocol ?? ''), 'must be an https:// URL')
      .optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  };
}

type CommonShape = ReturnType<typeof commonShape>;
type CommonValues = z.output<z.ZodObject<CommonShape>>;

/** Production must be configured on purpose: every development shortcut is refused there. */
function checkCrossVariableRules(config: Partial<CommonValues>, ctx: z.RefinementCtx): void {
  const production = config.NODE_ENV === 'production';
  const fail = (variable: keyof CommonValues, message: string) =>
    ctx.addIssue({ code: 'custom', path: [variable], message, input: config[variable] });

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
    if (config.JWT_AUDIENCE === undefined) fail('JWT_AUDIENCE', 'is required in production');
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

export interface ServiceConfigOptions<Extra extends z.ZodRawShape> {
  /** Used when PORT is not set. */
  readonly defaultPort?: number;
  /** The service's own variables, validated and reported together with the common ones. */
  readonly extra?: Extra;
}

/**
 * The variables every Mutuo service reads, with defaults that work on a development machine.
 * `service` names the database (`mutuo_<service>`) and its runtime role (`mutuo_<service>_app`).
 */
export function serviceConfigSchema<Extra extends z.ZodRawShape = Record<never, z.ZodType>>(
  service: string,
  options: ServiceConfigOptions<Extra> = {},
) {
  if (!SERVICE_NAME.test(service)) {
    throw new Error(`Invalid service name "${service}": use lowercase letters, digits and "_" (at most 30 characters)`);
  }
  const shape = { ...commonShape(service, options.defaultPort ?? 3000), ...(options.extra ?? ({} as Extra)) };
  return z
    .object(shape)
    .superRefine((config, ctx) => checkCrossVariableRules(config as Partial<CommonValues>, ctx), { when: () => true })
    .transform((config) => {
      const common = config as CommonValues;
      const hasKey = common.JWT_SECRET !== undefined || common.JWT_PUBLIC_KEY !== undefined || common.JWT_JWKS_URL !== undefined;
      return {
        ...config,
        GATEWAY_SHARED_SECRET: common.GATEWAY_SHARED_SECRET ?? DEV_GATEWAY_SHARED_SECRET,
        JWT_ISSUER: common.JWT_ISSUER ?? DEV_JWT_ISSUER,
        JWT_AUDIENCE: common.JWT_AUDIENCE ?? DEV_JWT_AUDIENCE,
        JWT_ALGORITHMS: common.JWT_ALGORITHMS ?? [...DEV_JWT_ALGORITHMS],
        JWT_SECRET: hasKey ? common.JWT_SECRET : DEV_JWT_SECRET,
      };
    });
}

export type ServiceConfig = z.output<ReturnType<typeof serviceConfigSchema>>;
