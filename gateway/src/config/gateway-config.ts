import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';

/** Development-only signing secret; refused when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'mutuo-dev-secret-do-not-use-in-production-0123456789';
/** Development-only gateway-to-subgraph secret; refused when NODE_ENV=production. */
export const DEV_GATEWAY_SHARED_SECRET = 'mutuo-development-only-gateway-secret';

export const DEV_JWT_ISSUER = 'mutuo-dev';
export const DEV_JWT_AUDIENCE = 'mutuo';

export const DEFAULT_SUPERGRAPH_PATH = 'gateway/supergraph.graphql';

const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;
const SUPPORTED_ALGORITHMS: readonly string[] = [...SYMMETRIC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS];

const SUBGRAPH_URL_VARIABLE = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;

export type JwtKeySource =
  | { kind: 'secret'; secret: string }
  | { kind: 'public-key'; pem: string }
  | { kind: 'jwks'; url: string };

export interface JwtSettings {
  issuer: string;
  audience: string;
  algorithms: string[];
  clockToleranceSeconds: number;
  key: JwtKeySource;
}

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  maxRequestBodyBytes: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface GatewayConfig {
  nodeEnv: 'development' | 'test' | 'production';
  isProduction: boolean;
  logLevel: LogLevel;
  host: string;
  port: number;
  /** Absolute path of the composed supergraph SDL. */
  supergraphPath: string;
  gatewaySharedSecret: string;
  jwt: JwtSettings;
  limits: QueryLimits;
  /** SUBGRAPH_<NAME>_URL overrides of the supergraph's subgraph URLs, keyed by <NAME> (see subgraphEnvName). */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  shutdownGracePeriodMs: number;
}

/** Raised for a missing or malformed variable; its message is one line naming every offending variable. */
export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid gateway configuration: ${problems.join('; ')}`);
    this.name = 'GatewayConfigError';
  }
}

const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .optional()
    .transform((value) => (value === undefined ? fallback : Number(value)))
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'must be one of development, test, production' })
    .default('development'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  HOST: z.string().default('0.0.0.0'),
  PORT: wholeNumber(4000, 0, 65535),
  SUPERGRAPH_PATH: z.string().default(DEFAULT_SUPERGRAPH_PATH),
  GATEWAY_SHARED_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_ALGORITHMS: z
    .string()
    .default('HS256')
    .transform((list) => list.split(',').map((algorithm) => algorithm.trim()).filter(Boolean))
    .superRefine((algorithms, ctx) => {
      if (algorithms.length === 0) ctx.addIssue({ code: 'custom', message: 'must list at least one algorithm' });
      if (algorithms.some((algorithm) => algorithm.toLowerCase() === 'none')) {
        ctx.addIssue({ code: 'custom', message: '"none" is refused: tokens must be signed' });
        return;
      }
      const unsupported = algorithms.filter((algorithm) => !SUPPORTED_ALGORITHMS.includes(algorithm));
      if (unsupported.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unsupported algorithm ${unsupported.join(', ')} (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`,
        });
      }
    }),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (256 bits)').optional(),
  JWT_PUBLIC_KEY: z
    .string()
    // Env files often carry PEM blocks on one line with literal "\n".
    .transform((pem) => pem.replace(/\\n/g, '\n'))
    .refine(isPublicKeyPem, 'must be a PEM-encoded public key (SPKI or certificate)')
    .optional(),
  JWT_JWKS_URL: httpUrl.optional(),
  JWT_CLOCK_TOLERANCE_SECONDS: wholeNumber(5, 0, 300),
  MAX_QUERY_DEPTH: wholeNumber(10, 1, 100),
  MAX_QUERY_ALIASES: wholeNumber(15, 0, 1000),
  MAX_QUERY_COST: wholeNumber(5000, 1, 10_000_000),
  MAX_QUERY_TOKENS: wholeNumber(2000, 1, 1_000_000),
  MAX_QUERY_DIRECTIVES: wholeNumber(50, 0, 1000),
  MAX_REQUEST_BODY_BYTES: wholeNumber(102_400, 1024, 50 * 1024 * 1024),
  SUBGRAPH_TIMEOUT_MS: wholeNumber(10_000, 100, 300_000),
  SHUTDOWN_GRACE_PERIOD_MS: wholeNumber(10_000, 0, 300_000),
});

function isPublicKeyPem(pem: string): boolean {
  try {
    return createPublicKey(pem).type === 'public';
  } catch {
    return false;
  }
}

type ParsedEnv = z.infer<typeof envSchema>;

/**
 * Reads and validates the gateway's environment. Throws GatewayConfigError listing every problem, each naming
 * its variable, so a misconfigured deployment fails at start with one readable line.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): GatewayConfig {
  // An empty assignment (`PORT=` in an env file) means "not set".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')} ${issue.message}`);

  const subgraphUrls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(present)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(variable);
    if (!match) continue;
    const url = httpUrl.safeParse(value);
    if (url.success) subgraphUrls[match[1]] = url.data;
    else problems.push(`${variable} must be an http(s) URL`);
  }

  if (parsed.success) problems.push(...crossFieldProblems(parsed.data));
  if (problems.length > 0 || !parsed.success) throw new GatewayConfigError(problems);

  const vars = parsed.data;
  const isProduction = vars.NODE_ENV === 'production';
  return {
    nodeEnv: vars.NODE_ENV,
    isProduction,
    logLevel: vars.LOG_LEVEL,
    host: vars.HOST,
    port: vars.PORT,
    supergraphPath: path.resolve(cwd, vars.SUPERGRAPH_PATH),
    gatewaySharedSecret: vars.GATEWAY_SHARED_SECRET ?? DEV_GATEWAY_SHARED_SECRET,
    jwt: {
      issuer: vars.JWT_ISSUER ?? DEV_JWT_ISSUER,
      audience: vars.JWT_AUDIENCE ?? DEV_JWT_AUDIENCE,
      algorithms: vars.JWT_ALGORITHMS,
      clockToleranceSeconds: vars.JWT_CLOCK_TOLERANCE_SECONDS,
      key: jwtKeySource(vars),
    },
    limits: {
      maxDepth: vars.MAX_QUERY_DEPTH,
      maxAliases: vars.MAX_QUERY_ALIASES,
      maxCost: vars.MAX_QUERY_COST,
      maxTokens: vars.MAX_QUERY_TOKENS,
      maxDirectives: vars.MAX_QUERY_DIRECTIVES,
      maxRequestBodyBytes: vars.MAX_REQUEST_BODY_BYTES,
    },
    subgraphUrls,
    subgraphTimeoutMs: vars.SUBGRAPH_TIMEOUT_MS,
    shutdownGracePeriodMs: vars.SHUTDOWN_GRACE_PERIOD_MS,
  };
}

function jwtKeySource(vars: ParsedEnv): JwtKeySource {
  if (vars.JWT_PUBLIC_KEY) return { kind: 'public-key', pem: vars.JWT_PUBLIC_KEY };
  if (vars.JWT_JWKS_URL) return { kind: 'jwks', url: vars.JWT_JWKS_URL };
  return { kind: 'secret', secret: vars.JWT_SECRET ?? DEV_JWT_SECRET };
}

function crossFieldProblems(vars: ParsedEnv): string[] {
  const problems: string[] = [];
  const production = vars.NODE_ENV === 'production';

  if (production && !vars.GATEWAY_SHARED_SECRET) {
    problems.push('GATEWAY_SHARED_SECRET is required when NODE_ENV=production');
  } else if (production && vars.GATEWAY_SHARED_SECRET === DEV_GATEWAY_SHARED_SECRET) {
    problems.push('GATEWAY_SHARED_SECRET must not be the development default when NODE_ENV=production');
  }

  const keySources = (['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'] as const).filter((name) => vars[name]);
  if (keySources.length > 1) {
    problems.push(`JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_URL are exclusive: set only one (got ${keySources.join(', ')})`);
    return problems;
  }
  if (production && keySources.length === 0) {
    problems.push('JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL is required when NODE_ENV=production');
  }
  if (production && vars.JWT_SECRET === DEV_JWT_SECRET) {
    problems.push('JWT_SECRET must not be the development default when NODE_ENV=production');
  }
  if (production && vars.JWT_JWKS_URL && !vars.JWT_JWKS_URL.startsWith('https://')) {
    problems.push('JWT_JWKS_URL must be an https:// URL when NODE_ENV=production');
  }
  // Development issuer and audience must not silently apply to production tokens.
  for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
    if (production && !vars[name]) problems.push(`${name} is required when NODE_ENV=production`);
  }

  const symmetric = vars.JWT_ALGORITHMS.filter((algorithm) => (SYMMETRIC_ALGORITHMS as readonly string[]).includes(algorithm));
  const usesSecret = keySources.length === 0 || keySources[0] === 'JWT_SECRET';
  if (usesSecret && symmetric.length !== vars.JWT_ALGORITHMS.length) {
    problems.push(`JWT_ALGORITHMS must list only ${SYMMETRIC_ALGORITHMS.join(', ')} when tokens are verified with JWT_SECRET`);
  }
  if (!usesSecret && symmetric.length > 0) {
    problems.push(`JWT_ALGORITHMS must not list ${symmetric.join(', ')} when tokens are verified with ${keySources[0]}`);
  }
  return problems;
}
