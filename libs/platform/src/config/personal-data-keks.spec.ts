import { DEV_PERSONAL_DATA_KEKS } from '@mutuo/event-store';
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
  DATABASE_URL: 'postgres://mutuo_requests_app:s3cret-app-password@db.internal:5432/mutuo_requests',
  NATS_URL: 'nats://requests:s3cret-nats-password@nats-1.internal:4222',
};
const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(serviceConfigSchema('requests'), env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('PERSONAL_DATA_KEKS', () => {
  it('is parsed into key-encryption keys, the first one primary', () => {
    const config = loadConfig(serviceConfigSchema('requests'), { ...productionEnv, PERSONAL_DATA_KEKS: `2026-12:${key(1)}, 2026-06:${key(2)}` });

    expect(config.PERSONAL_DATA_KEKS.primary.id).toBe('2026-12');
    expect(config.PERSONAL_DATA_KEKS.primary.key).toEqual(Buffer.alloc(32, 1));
  });

  it('falls back to the development keys on a development machine', () => {
    expect(loadConfig(serviceConfigSchema('requests'), {}).PERSONAL_DATA_KEKS.usesDevelopmentKey()).toBe(true);
  });

  it('is required in production', () => {
    expect(problems(productionEnv)).toEqual(['PERSONAL_DATA_KEKS is required in production']);
  });

  it('refuses the development key in production, even as an old key', () => {
    expect(problems({ ...productionEnv, PERSONAL_DATA_KEKS: `new:${key(3)},${DEV_PERSONAL_DATA_KEKS}` })).toEqual([
      'PERSONAL_DATA_KEKS must not list the development key in production',
    ]);
  });

  it('names what is wrong with a malformed list, never the key', () => {
    const [problem] = problems({ ...productionEnv, PERSONAL_DATA_KEKS: `short:${Buffer.alloc(16, 9).toString('base64')},:${key(4)}` });

    expect(problem).toBe(
      'PERSONAL_DATA_KEKS key "short" must be 32 bytes in base64 (openssl rand -base64 32); entry 2 must start with an id of 1-32 letters, digits, "-" or "_" and a colon',
    );
    expect(problem).not.toContain(Buffer.alloc(16, 9).toString('base64'));
  });
});
