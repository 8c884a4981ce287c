import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { DEV_GATEWAY_SHARED_SECRET, DEV_JWT_SECRET, GatewayConfigError, loadGatewayConfig } from './gateway-config';

const PRODUCTION_SECRETS = {
  NODE_ENV: 'production',
  JWT_ISSUER: 'https://id.mutuo.example',
  JWT_AUDIENCE: 'mutuo-api',
  GATEWAY_SHARED_SECRET: 'a-production-gateway-secret-of-enough-length',
  JWT_SECRET: 'a-production-signing-secret-of-enough-length',
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof GatewayConfigError) return error.message;
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
      supergraphPath: path.resolve('/srv/mutuo', 'gateway/supergraph.graphql'),
      gatewaySharedSecret: DEV_GATEWAY_SHARED_SECRET,
      jwt: {
        issuer: 'mutuo-dev',
        audience: 'mutuo',
        algorithms: ['HS256'],
        clockToleranceSeconds: 5,
        key: { kind: 'secret', secret: DEV_JWT_SECRET },
      },
      limits: { maxDepth: 10, maxAliases: 15, maxCost: 5000, maxTokens: 2000, maxDirectives: 50, maxRequestBodyBytes: 102_400 },
      subgraphUrls: {},
      subgraphTimeoutMs: 10_000,
      shutdownGracePeriodMs: 10_000,
    });
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
    expect(problemsOf({ SUBGRAPH_FUNDS_URL: 'funds:4104' })).toBe('Invalid gateway configuration: SUBGRAPH_FUNDS_URL must be an http(s) URL');
  });

  it('names every malformed variable in one line', () => {
    expect(problemsOf({ PORT: '80a', NODE_ENV: 'staging', MAX_QUERY_TOKENS: '0', LOG_LEVEL: 'loud' })).toBe(
      'Invalid gateway configuration: NODE_ENV must be one of development, test, production; ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; PORT must be a whole number; ' +
        'MAX_QUERY_TOKENS must be at least 1',
    );
  });

  describe('token verification settings', () => {
    it('refuses the "none" algorithm', () => {
      expect(problemsOf({ JWT_ALGORITHMS: 'HS256,none' })).toBe(
        'Invalid gateway configuration: JWT_ALGORITHMS "none" is refused: tokens must be signed',
      );
    });

    it('refuses unknown algorithms and algorithms that do not fit the key', () => {
      expect(problemsOf({ JWT_ALGORITHMS: 'HS257' })).toMatch(/JWT_ALGORITHMS unsupported algorithm HS257 \(supported: HS256, /);
      expect(problemsOf({ JWT_ALGORITHMS: 'RS256' })).toBe(
        'Invalid gateway configuration: JWT_ALGORITHMS must list only HS256, HS384, HS512 when tokens are verified with JWT_SECRET',
      );
      expect(problemsOf({ JWT_JWKS_URL: 'https://id.mutuo.example/jwks.json', JWT_ALGORITHMS: 'HS256,RS256' })).toBe(
        'Invalid gateway configuration: JWT_ALGORITHMS must not list HS256 when tokens are verified with JWT_JWKS_URL',
      );
    });

    it('refuses a short signing secret', () => {
      expect(problemsOf({ JWT_SECRET: 'short' })).toBe('Invalid gateway configuration: JWT_SECRET must be at least 32 characters (256 bits)');
    });

    it('accepts one key source only', () => {
      expect(problemsOf({ JWT_SECRET: DEV_JWT_SECRET, JWT_JWKS_URL: 'https://id.mutuo.example/jwks.json' })).toBe(
        'Invalid gateway configuration: JWT_SECRET, JWT_PUBLIC_KEY and JWT_JWKS_URL are exclusive: set only one (got JWT_SECRET, JWT_JWKS_URL)',
      );
    });

    it('accepts a PEM public key, also with escaped newlines as env files carry it', () => {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

      const config = loadGatewayConfig({ JWT_PUBLIC_KEY: pem.replace(/\n/g, '\\n'), JWT_ALGORITHMS: 'ES256' });

      expect(config.jwt.key).toEqual({ kind: 'public-key', pem });
      expect(config.jwt.algorithms).toEqual(['ES256']);
    });

    it('refuses a public key that is not PEM', () => {
      expect(problemsOf({ JWT_PUBLIC_KEY: 'ssh-ed25519 AAAA', JWT_ALGORITHMS: 'EdDSA' })).toBe(
        'Invalid gateway configuration: JWT_PUBLIC_KEY must be a PEM-encoded public key (SPKI or certificate)',
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
        key: { kind: 'secret', secret: PRODUCTION_SECRETS.JWT_SECRET },
      });
    });

    it('requires the gateway secret, a token key, the issuer and the audience', () => {
      expect(problemsOf({ NODE_ENV: 'production' })).toBe(
        'Invalid gateway configuration: GATEWAY_SHARED_SECRET is required when NODE_ENV=production; ' +
          'JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL is required when NODE_ENV=production; ' +
          'JWT_ISSUER is required when NODE_ENV=production; JWT_AUDIENCE is required when NODE_ENV=production',
      );
    });

    it('fetches signing keys only over https', () => {
      const { JWT_SECRET: _secret, ...withoutSecret } = PRODUCTION_SECRETS;

      expect(problemsOf({ ...withoutSecret, JWT_JWKS_URL: 'http://id.mutuo.example/jwks.json', JWT_ALGORITHMS: 'RS256' })).toBe(
        'Invalid gateway configuration: JWT_JWKS_URL must be an https:// URL when NODE_ENV=production',
      );
    });

    it('refuses the development secrets', () => {
      expect(problemsOf({ ...PRODUCTION_SECRETS, JWT_SECRET: DEV_JWT_SECRET, GATEWAY_SHARED_SECRET: DEV_GATEWAY_SHARED_SECRET })).toBe(
        'Invalid gateway configuration: GATEWAY_SHARED_SECRET must not be the development default when NODE_ENV=production; ' +
          'JWT_SECRET must not be the development default when NODE_ENV=production',
      );
    });
  });
});
