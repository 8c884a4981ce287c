import path from 'node:path';
import {
  authVariablesShape,
  checkAuthVariables,
  DEFAULT_LISTEN_HOST,
  integerBetween,
  loadConfig,
  logLevel,
  nodeEnvironment,
  resolveAuthVariables,
  type JwtVerifierOptions,
  type LogLevel,
  telemetryVariablesShape,
  type NODE_ENVIRONMENTS,
  type TelemetryVariables,
} from '@mutuo/platform';
import { z } from 'zod';
import type { RateLimits } from '../limits/rate-limit.middleware';
import { isOrigin } from '../partners/cors.middleware';

/**
 * The supergraph shipped with the gateway, found next to the code: gateway/supergraph.graphql from the sources,
 * dist/gateway/gateway/supergraph.graphql in the build (infra/scripts/build-project.js copies it there).
 */
export const DEFAULT_SUPERGRAPH_PATH = path.join(__dirname, '..', '..', 'supergraph.graphql');

const SUBGRAPH_URL_VARIABLE = /^SUBGRAPH_([A-Z0-9_]+)_URL$/;

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  maxRequestBodyBytes: number;
}

export interface GatewayConfig {
  nodeEnv: (typeof NODE_ENVIRONMENTS)[number];
  isProduction: boolean;
  logLevel: LogLevel;
  host: string;
  port: number;
  /** Absolute path of the composed supergraph SDL. */
  supergraphPath: string;
  gatewaySharedSecret: string;
  jwt: JwtVerifierOptions;
  limits: QueryLimits;
  /** SUBGRAPH_<NAME>_URL overrides of the supergraph's subgraph URLs, keyed by <NAME> (see subgraphEnvName). */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  shutdownGracePeriodMs: number;
  /** How many proxies in front of the gateway to trust for X-Forwarded-For (0: the socket's address is the caller's). */
  trustedProxyHops: number;
  /** OpenTelemetry tracing (off unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  telemetry: TelemetryVariables;
  /** What partner apps get: their browsers' origins (CORS) and per-caller quotas. */
  partners: { corsOrigins: readonly string[]; rateLimits: RateLimits };
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

// Loose, so the SUBGRAPH_<NAME>_URL variables, whose names are not known in advance, reach the refinement.
export const gatewayEnvSchema = z
  .looseObject({
    NODE_ENV: nodeEnvironment(),
    LOG_LEVEL: logLevel(),
    HOST: z.string().default(DEFAULT_LISTEN_HOST),
    PORT: integerBetween(0, 65535).default(4000),
    SUPERGRAPH_PATH: z.string().optional(),
    // The same token and shared-secret rules, and development defaults, as every service.
    ...authVariablesShape,
    JWT_CLOCK_TOLERANCE_SECONDS: integerBetween(0, 300).default(5),
    MAX_QUERY_DEPTH: integerBetween(1, 100).default(10),
    MAX_QUERY_ALIASES: integerBetween(0, 1000).default(15),
    MAX_QUERY_COST: integerBetween(1, 10_000_000).default(5000),
    MAX_QUERY_TOKENS: integerBetween(1, 1_000_000).default(2000),
    MAX_QUERY_DIRECTIVES: integerBetween(0, 1000).default(50),
    MAX_REQUEST_BODY_BYTES: integerBetween(1024, 50 * 1024 * 1024).default(102_400),
    SUBGRAPH_TIMEOUT_MS: integerBetween(100, 300_000).default(10_000),
    SHUTDOWN_GRACE_PERIOD_MS: integerBetween(0, 300_000).default(10_000),
    TRUSTED_PROXY_HOPS: integerBetween(0, 10).default(0),
    CORS_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .refine((origins) => origins.every(isOrigin), {
        error: 'must be a comma-separated list of origins such as https://app.example.org (scheme, host, port; no path, no *)',
      }),
    RATE_LIMIT_PER_MINUTE: integerBetween(0, 1_000_000).default(600),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: integerBetween(0, 1_000_000).default(120),
    RATE_LIMIT_TRACKED_CALLERS: integerBetween(100, 10_000_000).default(100_000),
    ...telemetryVariablesShape,
  })
  .superRefine(
    (vars, ctx) => {
      checkAuthVariables(vars, ctx);
      // A production browser app is served over TLS; an http origin there is a mistake or an attack surface.
      const plainHttp = vars.NODE_ENV === 'production' ? vars.CORS_ALLOWED_ORIGINS.filter((origin) => origin.startsWith('http:')) : [];
      if (plainHttp.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['CORS_ALLOWED_ORIGINS'], message: `must use https in production (${plainHttp.join(', ')})`, input: plainHttp });
      }
      for (const [variable, value] of Object.entries(vars)) {
        if (SUBGRAPH_URL_VARIABLE.test(variable) && !httpUrl.safeParse(value).success) {
          ctx.addIssue({ code: 'custom', path: [variable], message: 'must be an http(s) URL', input: value });
        }
      }
    },
    { when: () => true },
  );

/**
 * Reads and validates the gateway's environment. Throws platform's ConfigError listing every problem, each naming
 * its variable, so a misconfigured deployment fails at start with one readable line.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): GatewayConfig {
  const vars = loadConfig(gatewayEnvSchema, env);
  const auth = resolveAuthVariables(vars);

  const subgraphUrls: Record<string, string> = {};
  for (const [variable, value] of Object.entries(vars)) {
    const match = SUBGRAPH_URL_VARIABLE.exec(variable);
    if (match) subgraphUrls[match[1]] = String(value);
  }

  return {
    nodeEnv: vars.NODE_ENV,
    isProduction: vars.NODE_ENV === 'production',
    logLevel: vars.LOG_LEVEL,
    host: vars.HOST,
    port: vars.PORT,
    supergraphPath: vars.SUPERGRAPH_PATH === undefined ? DEFAULT_SUPERGRAPH_PATH : path.resolve(cwd, vars.SUPERGRAPH_PATH),
    gatewaySharedSecret: auth.GATEWAY_SHARED_SECRET,
    jwt: {
      issuer: auth.JWT_ISSUER,
      audience: auth.JWT_AUDIENCE,
      algorithms: auth.JWT_ALGORITHMS,
      clockToleranceSeconds: vars.JWT_CLOCK_TOLERANCE_SECONDS,
      // Exactly one of these is set (checkAuthVariables and the development default see to it).
      secret: auth.JWT_SECRET,
      publicKeyPem: vars.JWT_PUBLIC_KEY,
      jwksUrl: vars.JWT_JWKS_URL,
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
    trustedProxyHops: vars.TRUSTED_PROXY_HOPS,
    partners: {
      corsOrigins: vars.CORS_ALLOWED_ORIGINS,
      rateLimits: {
        perMinute: vars.RATE_LIMIT_PER_MINUTE,
        anonymousPerMinute: vars.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
        trackedCallers: vars.RATE_LIMIT_TRACKED_CALLERS,
      },
    },
    telemetry: {
      OTEL_EXPORTER_OTLP_ENDPOINT: vars.OTEL_EXPORTER_OTLP_ENDPOINT,
      OTEL_EXPORTER_OTLP_HEADERS: vars.OTEL_EXPORTER_OTLP_HEADERS,
      OTEL_SERVICE_NAME: vars.OTEL_SERVICE_NAME,
      OTEL_TRACES_SAMPLER_ARG: vars.OTEL_TRACES_SAMPLER_ARG,
      OTEL_BSP_SCHEDULE_DELAY: vars.OTEL_BSP_SCHEDULE_DELAY,
    },
  };
}
