import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { ConfigError, DEV_GATEWAY_SHARED_SECRET, DEV_JWT_SECRET, JwtVerifier, mintDevToken } from '@mutuo/platform';
import { loadGatewayConfig } from './gateway-config';

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  JWT_ISSUER: 'https://id.mutuo.example',
  JWT_AUDIENCE: 'mutuo-api',
  JWT_ALGORITHMS: 'HS256',
  GATEWAY_SHARED_SECRET: 'a-production-gateway-secret-of-enough-length',
  JWT_SECRET: 'a-production-signing-secret-of-enough-length',
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadGatewayConfig', () => {
  it('runs in development with documented defaults and no variables at all', () => {
    const config = loadGatewayConfig({}, '/srv/mutuo');

    expect(config).toEqual({
      nodeEnv: 'development',
      isProduction: false,
      logLevel: 'info',
      host: '0.0.0.0',
      port: 4000,
      supergraphPath: path.resolve(__dirname, '..', '..', 'supergraph.graphql'),
      gatewaySharedSecret: DEV_GATEWAY_SHARED_SECRET,
      jwt: {
        issuer: 'mutuo-dev',
        audience: 'mutuo',
        algorithms: ['HS256'],
        clockToleranceSeconds: 5,
        secret: DEV_JWT_SECRET,
      },
      limits: { maxDepth: 10, maxAliases: 15, maxCost: 5000, maxTokens: 2000, maxDirectives: 50, maxRequestBodyBytes: 102_400 },
      subgraphUrls: {},
      subgraphTimeoutMs: 10_000,
      shutdownGracePeriodMs: 10_000,
      telemetry: { OTEL_TRACES_SAMPLER_ARG: 1, OTEL_BSP_SCHEDULE_DELAY: 5000 },
      trustedProxyHops: 0,
      partners: { corsOrigins: [], rateLimits: { perMinute: 600, anonymousPerMinute: 120, trackedCallers: 100_000 } },
    });
  });

  it('accepts, with no variables, the development tokens platform mints (npm run token)', async () => {
    const verifier = new JwtVerifier(loadGatewayConfig({}).jwt);

    await expect(verifier.verify(await mintDevToken({ subject: 'alice', roles: ['member'] }))).resolves.toMatchObject({
      subject: 'alice',
      roles: ['member'],
    });
  });

  it('resolves a SUPERGRAPH_PATH against the working directory', () => {
    expect(loadGatewayConfig({ SUPERGRAPH_PATH: 'composed/supergraph.graphql' }, '/srv/mutuo').supergraphPath).toBe('/srv/mutuo/composed/supergraph.graphql');
  });

  it('reads every limit from the environment', () => {
    const config = loadGatewayConfig({
      MAX_QUERY_DEPTH: '7',
      MAX_QUERY_ALIASES: '3',
      MAX_QUERY_COST: '900',
      MAX_QUERY_TOKENS: '400',
      MAX_QUERY_DIRECTIVES: '4',
      MAX_REQUEST_BODY_BYTES: '4096',
    });

    expect(config.limits).toEqual({ maxDepth: 7, maxAliases: 3, maxCost: 900, maxTokens: 400, maxDirectives: 4, maxRequestBodyBytes: 4096 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadGatewayConfig({ PORT: '', JWT_SECRET: '' }).port).toBe(4000);
  });

  it('collects SUBGRAPH_<NAME>_URL overrides and refuses malformed ones by name', () => {
    expect(loadGatewayConfig({ SUBGRAPH_FUNDS_URL: 'http://funds:4104/graphql' }).subgraphUrls).toEqual({
      FUNDS: 'http://funds:4104/graphql',
    });
    expect(problemsOf({ SUBGRAPH_FUNDS_URL: 'funds:4104' })).toBe('Invalid configuration: SUBGRAPH_FUNDS_URL must be an http(s) URL');
  });

  it('names every malformed variable in one line', () => {
    expect(problemsOf({ PORT: '80a', NODE_ENV: 'staging', MAX_QUERY_TOKENS: '0', LOG_LEVEL: 'loud' })).toBe(
      'Invalid configuration: NODE_ENV must be one of development, test, production; ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; PORT must be an integer 0-65535; ' +
        'MAX_QUERY_TOKENS must be an integer 1-1000000',
    );
  });

  describe('token verification settings', () => {
    it('refuses the "none" algorithm', () => {
      expect(problemsOf({ JWT_ALGORITHMS: 'HS256,none' })).toBe(
        'Invalid configuration: JWT_ALGORITHMS must not include "none" (unsigned tokens are never accepted)',
      );
    });

    it('refuses unknown algorithms and algorithms that do not fit the key', () => {
      expect(problemsOf({ JWT_ALGORITHMS: 'HS257' })).toMatch(/^Invalid configuration: JWT_ALGORITHMS must list only HS256, .*\(got HS257\)$/);
      expect(problemsOf({ JWT_ALGORITHMS: 'RS256' })).toBe(
        'Invalid configuration: JWT_ALGORITHMS must list only HS256, HS384, HS512 when tokens are verified with JWT_SECRET',
      );
      expect(problemsOf({ JWT_JWKS_URL: 'https://id.mutuo.example/jwks.json', JWT_ALGORITHMS: 'HS256,RS256' })).toBe(
        'Invalid configuration: JWT_ALGORITHMS must not list HS256 when tokens are verified with JWT_JWKS_URL',
      );
    });

    it('refuses a signing secret or a gateway secret shorter than 32 characters', () => {
      expect(problemsOf({ JWT_SECRET: 'short', GATEWAY_SHARED_SECRET: 'g'.repeat(31) })).toBe(
        'Invalid configuration: GATEWAY_SHARED_SECRET must be at least 32 characters; JWT_SECRET must be at least 32 characters',
      );
    });

    it('accepts one key source only', () => {
      expect(problemsOf({ JWT_SECRET: DEV_JWT_SECRET, JWT_JWKS_URL: 'https://id.mutuo.example/jwks.json' })).toBe(
        'Invalid configuration: JWT_JWKS_URL must not be combined with JWT_SECRET: configure exactly one JWT key source',
      );
    });

    it('accepts a PEM public key, also with escaped newlines as env files carry it', () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

      const config = loadGatewayConfig({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n'), JWT_ALGORITHMS: 'ES256' });

      expect(config.jwt).toMatchObject({ publicKeyPem: pem.trim(), secret: undefined, jwksUrl: undefined, algorithms: ['ES256'] });
    });

    it('refuses a public key that is not PEM', () => {
      expect(problemsOf({ JWT_PUBLIC_KEY: 'ssh-ed25519 AAAA', JWT_ALGORITHMS: 'EdDSA' })).toBe(
        'Invalid configuration: JWT_PUBLIC_KEY must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)',
      );
    });
  });

  describe('in production', () => {
    it('starts with explicit secrets', () => {
      const config = loadGatewayConfig(PRODUCTION_SECRETS);

      expect(config.isProduction).toBe(true);
      expect(config.jwt).toMatchObject({
        issuer: 'https://id.mutuo.example',
        audience: 'mutuo-api',
        secret: PRODUCTION_SECRETS.JWT_SECRET,
      });
    });

    it('requires the gateway secret, a token key, the issuer, the audience and the algorithms', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toBe(
        'Invalid configuration: GATEWAY_SHARED_SECRET is required in production; ' +
          'JWT_SECRET (or JWT_PUBLIC_KEY or JWT_JWKS_URL) is required in production; ' +
          'JWT_ISSUER is required in production; JWT_AUDIENCE is required in production; JWT_ALGORITHMS is required in production',
      );
    });

    it('fetches signing keys only over https', () => {
      const { JWT_SECRET: _secret, ...withoutSecret } = PRODUCTION_SECRETS;

      expect(problemsOf({ ...withoutSecret, JWT_JWKS_URL: 'http://id.mutuo.example/jwks.json', JWT_ALGORITHMS: 'RS256' })).toBe(
        'Invalid configuration: JWT_JWKS_URL must be an https:// URL in production',
      );
    });

    it('refuses the development secrets', () => {
      expect(problemsOf({ ...PRODUCTION_SECRETS, JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SHARED_SECRET: DEV_GATEWAY_SHARED_SECRET })).toBe(
        'Invalid configuration: GATEWAY_SHARED_SECRET must not be the development secret in production; ' +
          'JWT_SECRET must not be the development secret in production',
      );
    });
  });
});
