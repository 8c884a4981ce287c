import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { serviceConfigSchema } from './service-config';

const productionEnv = {
  NODE_ENV: 'production',
  GATEWAY_SHARED_SECRET: 'g'.repeat(32),
  JWT_ISSUER: 'https://id.mutuo.example',
  JWT_AUDIENCE: 'mutuo-api',
  JWT_ALGORITHMS: 'HS256',
  JWT_SECRET: 'p'.repeat(48),
  DATABASE_URL: 'postgres://mutuo_funds_app:s3cret@db.internal:5432/mutuo_funds',
  NATS_URL: 'nats://funds:s3cret@nats-1.internal:4222',
  PERSONAL_DATA_KEKS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
};

function problem(env: Record<string, string>): string {
  try {
    loadConfig(serviceConfigSchema('funds'), env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('NATS stream variables', () => {
  it('default to one file-backed replica, 30 days of events, 90 days of dead letters and a 2-minute duplicate window', () => {
    expect(loadConfig(serviceConfigSchema('funds'), {})).toMatchObject({
      NATS_STREAM_REPLICAS: 1,
      NATS_STREAM_MAX_AGE_DAYS: 30,
      NATS_DEAD_LETTER_MAX_AGE_DAYS: 90,
      NATS_STREAM_STORAGE: 'file',
      NATS_DUPLICATE_WINDOW_SECONDS: 120,
    });
    expect(loadConfig(serviceConfigSchema('funds'), {}).NATS_ADMIN_URL).toBeUndefined();
  });

  it('read an operator set-up: three replicas, events kept forever', () => {
    const config = loadConfig(serviceConfigSchema('funds'), { NATS_STREAM_REPLICAS: '3', NATS_STREAM_MAX_AGE_DAYS: '0', NATS_ADMIN_URL: 'nats://a:b@n1:4222' });
    expect(config).toMatchObject({ NATS_STREAM_REPLICAS: 3, NATS_STREAM_MAX_AGE_DAYS: 0, NATS_ADMIN_URL: 'nats://a:b@n1:4222' });
  });

  it('name each malformed variable', () => {
    expect(problem({ NATS_STREAM_REPLICAS: '7', NATS_STREAM_STORAGE: 'disk', NATS_STREAM_MAX_AGE_DAYS: '-1', NATS_ADMIN_URL: 'http://x' })).toBe(
      'Invalid configuration: NATS_ADMIN_URL must be a nats:// URL (or a comma-separated list of them); NATS_STREAM_REPLICAS must be an integer 1-5; ' +
        'NATS_STREAM_MAX_AGE_DAYS must be an integer 0-36500; NATS_STREAM_STORAGE must be file or memory',
    );
  });

  it('refuse a duplicate window longer than the events are kept', () => {
    expect(problem({ NATS_STREAM_MAX_AGE_DAYS: '1', NATS_DUPLICATE_WINDOW_SECONDS: '90000' })).toBe(
      'Invalid configuration: NATS_DUPLICATE_WINDOW_SECONDS must not exceed NATS_STREAM_MAX_AGE_DAYS',
    );
    expect(() => loadConfig(serviceConfigSchema('funds'), { NATS_STREAM_MAX_AGE_DAYS: '0', NATS_DUPLICATE_WINDOW_SECONDS: '86400' })).not.toThrow();
  });

  it('refuse memory storage and an admin URL without credentials in production', () => {
    expect(loadConfig(serviceConfigSchema('funds'), productionEnv).NATS_STREAM_STORAGE).toBe('file');
    expect(problem({ ...productionEnv, NATS_STREAM_STORAGE: 'memory', NATS_ADMIN_URL: 'nats://n1:4222' })).toBe(
      'Invalid configuration: NATS_STREAM_STORAGE must be file in production: memory streams lose every event when NATS restarts; ' +
        'NATS_ADMIN_URL must carry credentials (nats://user:password@host) in production',
    );
  });
});
