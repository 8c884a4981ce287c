import { z } from 'zod';
import { ConfigError } from './config-error';
import { DEV_GATEWAY_SHARED_SECRET, DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_SECRET } from './dev-defaults';
import { exitOnConfigError, loadConfig } from './load-config';
import { serviceConfigSchema } from './service-config';

const PRODUCTION_SECRET = 'p'.repeat(48);
const productionEnv = {
  NODE_ENV: 'production',
  GATEWAY_SHARED_SECRET: 'g'.repeat(32),
  JWT_ISSUER: 'https://id.mutuo.example',
  JWT_AUDIENCE: 'mutuo-api',
  JWT_ALGORITHMS: 'HS256',
  JWT_SECRET: PRODUCTION_SECRET,
  DATABASE_URL: 'postgres://mutuo_funds_app:s3cret-app-password@db.internal:5432/mutuo_funds',
  NATS_URL: 'nats://funds:s3cret-nats-password@nats-1.internal:4222,nats://funds:s3cret-nats-password@nats-2.internal:4222',
  PERSONAL_DATA_KEKS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('serviceConfigSchema', () => {
  it('works on a development machine with no variables set', () => {
    const config = loadConfig(serviceConfigSchema('funds', { defaultPort: 3004 }), {});

    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3004,
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://mutuo_funds_app@127.0.0.1:5432/mutuo_funds',
      DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:5432/mutuo_funds',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_PREFIX: 'mutuo',
      JWT_ALGORITHMS: ['HS256'],
      JWT_SECRET: DEV_JWT_SECRET,
      GATEWAY_SHARED_SECRET: DEV_GATEWAY_SHARED_SECRET,
      LOG_LEVEL: 'info',
    });
  });

  it('names every malformed variable in one line', () => {
    const error = configError(() => loadConfig(serviceConfigSchema('funds'), { DATABASE_URL: 'mysql://localhost/funds', PORT: '70000' }));

    expect(error.message).toBe('Invalid configuration: PORT must be an integer 0-65535; DATABASE_URL must be a postgres:// URL');
    expect(error.message).not.toContain('\n');
  });

  it('names a missing service-specific variable', () => {
    const schema = serviceConfigSchema('funds', { extra: { FUNDS_LEDGER_CURRENCY: z.string().length(3, 'must be a 3-letter code') } });

    expect(configError(() => loadConfig(schema, {})).message).toBe('Invalid configuration: FUNDS_LEDGER_CURRENCY is required');
    expect(loadConfig(schema, { FUNDS_LEDGER_CURRENCY: 'EUR' }).FUNDS_LEDGER_CURRENCY).toBe('EUR');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(serviceConfigSchema('funds'), { PORT: '' }).PORT).toBe(3000);
  });

  it('never accepts unsigned tokens, nor algorithms that do not fit the key', () => {
    expect(configError(() => loadConfig(serviceConfigSchema('funds'), { JWT_ALGORITHMS: 'HS256,none' })).message).toBe(
      'Invalid configuration: JWT_ALGORITHMS must not include "none" (unsigned tokens are never accepted)',
    );
    expect(configError(() => loadConfig(serviceConfigSchema('funds'), { JWT_ALGORITHMS: 'RS256' })).message).toBe(
      'Invalid configuration: JWT_ALGORITHMS must list only HS256, HS384, HS512 when tokens are verified with JWT_SECRET',
    );
  });

  it('refuses secrets shorter than 32 characters', () => {
    const error = configError(() => loadConfig(serviceConfigSchema('funds'), { GATEWAY_SHARED_SECRET: 'g'.repeat(31), JWT_SECRET: 'j'.repeat(31) }));

    expect(error.problems).toEqual(['GATEWAY_SHARED_SECRET must be at least 32 characters', 'JWT_SECRET must be at least 32 characters']);
  });

  it('accepts a fully configured production environment', () => {
    const config = loadConfig(serviceConfigSchema('funds'), productionEnv);

    expect(config.JWT_SECRET).toBe(PRODUCTION_SECRET);
    expect(config.JWT_ISSUER).toBe('https://id.mutuo.example');
  });

  it('refuses the development JWT secret in production', () => {
    const error = configError(() => loadConfig(serviceConfigSchema('funds'), { ...productionEnv, JWT_SECRET: DEV_JWT_SECRET }));

    expect(error.message).toBe('Invalid configuration: JWT_SECRET must not be the development secret in production');
  });

  it('refuses to start in production without a gateway secret or a JWT key', () => {
    const { GATEWAY_SHARED_SECRET: _gateway, JWT_SECRET: _secret, ...incomplete } = productionEnv;
    const error = configError(() => loadConfig(serviceConfigSchema('funds'), incomplete));

    expect(error.message).toBe(
      'Invalid configuration: GATEWAY_SHARED_SECRET is required in production; ' + 'JWT_SECRET (or JWT_PUBLIC_KEY or JWT_JWKS_URL) is required in production',
    );
  });

  it('refuses the development issuer and audience in production, naming each', () => {
    const error = configError(() => loadConfig(serviceConfigSchema('funds'), { ...productionEnv, JWT_ISSUER: DEV_JWT_ISSUER, JWT_AUDIENCE: DEV_JWT_AUDIENCE }));

    expect(error.problems).toEqual([
      'JWT_ISSUER must not be the development issuer in production',
      'JWT_AUDIENCE must not be the development audience in production',
    ]);
  });

  it('refuses the passwordless development database and the unauthenticated development NATS in production', () => {
    const { DATABASE_URL: _database, NATS_URL: _nats, ...defaults } = productionEnv;

    expect(configError(() => loadConfig(serviceConfigSchema('funds'), defaults)).problems).toEqual([
      'DATABASE_URL must carry a password (or set DATABASE_APP_PASSWORD) in production; the development default has none',
      'NATS_URL must carry credentials (nats://user:password@host or nats://token@host) in production; the development default has none',
    ]);
  });

  it('refuses a passwordless database URL and any NATS server without credentials in production', () => {
    const error = configError(() =>
      loadConfig(serviceConfigSchema('funds'), {
        ...productionEnv,
        DATABASE_URL: 'postgres://mutuo_funds_app@db.internal:5432/mutuo_funds',
        NATS_URL: 'nats://funds:pw@nats-1.internal:4222,nats://nats-2.internal:4222',
      }),
    );

    expect(error.problems.map((problem) => problem.split(' ')[0])).toEqual(['DATABASE_URL', 'NATS_URL']);
  });

  it('accepts the database password in DATABASE_APP_PASSWORD and a NATS token in the URL', () => {
    const config = loadConfig(serviceConfigSchema('funds'), {
      ...productionEnv,
      DATABASE_URL: 'postgres://mutuo_funds_app@db.internal:5432/mutuo_funds',
      DATABASE_APP_PASSWORD: 's3cret-app-password',
      NATS_URL: 'nats://s3cret-token@nats.internal:4222',
    });

    expect(config.DATABASE_APP_PASSWORD).toBe('s3cret-app-password');
  });

  it('reports field and production problems together', () => {
    const error = configError(() =>
      loadConfig(serviceConfigSchema('funds'), { ...productionEnv, PORT: 'eighty', GATEWAY_SHARED_SECRET: DEV_GATEWAY_SHARED_SECRET }),
    );

    expect(error.problems).toEqual(['PORT must be an integer 0-65535', 'GATEWAY_SHARED_SECRET must not be the development secret in production']);
  });
});

describe('exitOnConfigError', () => {
  afterEach(() => jest.restoreAllMocks());

  it('prints the one-line message and exits with 1, without a stack', async () => {
    const written: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exited');
    }) as never);

    await expect(exitOnConfigError(() => loadConfig(serviceConfigSchema('funds'), { PORT: 'x' }))).rejects.toThrow('exited');

    expect(exit).toHaveBeenCalledWith(1);
    expect(written).toEqual(['Invalid configuration: PORT must be an integer 0-65535\n']);
  });

  it('lets other errors through untouched', async () => {
    const exit = jest.spyOn(process, 'exit');

    await expect(exitOnConfigError(() => Promise.reject(new TypeError('boom')))).rejects.toThrow(TypeError);
    expect(exit).not.toHaveBeenCalled();
  });
});
