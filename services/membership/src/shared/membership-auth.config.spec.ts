import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { DEV_CODE_DELIVERY_KEY } from '@mutuo/contracts';
import { ConfigError } from '@mutuo/platform';
import { DEV_HASH_SECRET, membershipAuthConfigFrom } from './membership-auth.config';

const pem = (curve = 'P-256') => generateKeyPairSync('ec', { namedCurve: curve }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    membershipAuthConfigFrom(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('membership sign-in and token configuration', () => {
  it('works on a development machine with nothing set: development key on first use, published development secrets', () => {
    const config = membershipAuthConfigFrom({});

    expect(config).toMatchObject({
      production: false,
      signingKey: null,
      hashSecret: DEV_HASH_SECRET,
      issuer: 'mutuo-dev',
      audience: 'mutuo',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86_400,
      codeTtlSeconds: 600,
      codeMaxAttempts: 5,
      rateWindowSeconds: 900,
    });
    expect(config.codeDeliveryKey.toString('base64')).toBe(DEV_CODE_DELIVERY_KEY);
  });

  it('refuses to start in production without its own key, hash secret and delivery key, naming each', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'MEMBERSHIP_SIGNING_KEY is required in production',
      'MEMBERSHIP_HASH_SECRET is required in production',
      'MEMBERSHIP_CODE_DELIVERY_KEY is required in production',
    ]);
    expect(
      problems({
        NODE_ENV: 'production',
        MEMBERSHIP_SIGNING_KEY: pem(),
        MEMBERSHIP_HASH_SECRET: DEV_HASH_SECRET,
        MEMBERSHIP_CODE_DELIVERY_KEY: DEV_CODE_DELIVERY_KEY,
      }),
    ).toEqual([
      'MEMBERSHIP_HASH_SECRET must not be the development secret in production',
      'MEMBERSHIP_CODE_DELIVERY_KEY must not be the development key in production',
    ]);
  });

  it('accepts a production configuration and publishes a previous key beside the current one', () => {
    const config = membershipAuthConfigFrom(
      {
        NODE_ENV: 'production',
        MEMBERSHIP_SIGNING_KEY: pem(),
        MEMBERSHIP_PREVIOUS_SIGNING_KEY: pem().replace(/\n/g, '\\n'),
        MEMBERSHIP_HASH_SECRET: randomBytes(32).toString('hex'),
        MEMBERSHIP_CODE_DELIVERY_KEY: randomBytes(32).toString('base64'),
        MEMBERSHIP_ACCESS_TOKEN_TTL_SECONDS: '300',
      },
      { JWT_ISSUER: 'https://id.mutuo.example', JWT_AUDIENCE: 'mutuo-api', JWT_ALGORITHMS: ['ES256'] },
    );

    expect(config).toMatchObject({ production: true, issuer: 'https://id.mutuo.example', audience: 'mutuo-api', accessTokenTtlSeconds: 300 });
    expect(config.previousSigningKeys).toHaveLength(1);
    expect(config.previousSigningKeys[0]!.kid).not.toBe(config.signingKey!.kid);
  });

  it('names malformed keys and out-of-range settings', () => {
    expect(
      problems({
        MEMBERSHIP_SIGNING_KEY: pem('P-384'),
        MEMBERSHIP_CODE_DELIVERY_KEY: randomBytes(16).toString('base64'),
        MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS: '50',
        MEMBERSHIP_HASH_SECRET: 'short',
      }),
    ).toEqual([
      'MEMBERSHIP_SIGNING_KEY must be an EC key on the P-256 curve (ES256)',
      'MEMBERSHIP_HASH_SECRET must be at least 32 characters',
      'MEMBERSHIP_CODE_DELIVERY_KEY must be 32 bytes in base64 (openssl rand -base64 32)',
      'MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS must be an integer 1-10',
    ]);
  });

  it('reads operators and region stewards by address, normalized as sign-in compares them', () => {
    const config = membershipAuthConfigFrom({
      MEMBERSHIP_OPERATOR_EMAILS: ' Olga@OPS.example.org, olga@ops.example.org ,ivo@example.org',
      MEMBERSHIP_REGION_STEWARDS: 'Stella@Example.org=lisboa, pia@example.org = porto-norte',
    });

    expect(config.operatorEmails).toEqual(['olga@ops.example.org', 'ivo@example.org']);
    expect([...config.regionStewards]).toEqual([
      ['stella@example.org', 'lisboa'],
      ['pia@example.org', 'porto-norte'],
    ]);
    expect(membershipAuthConfigFrom({})).toMatchObject({ operatorEmails: [], regionStewards: new Map() });
  });

  it('refuses malformed operator and steward lists, naming the variable', () => {
    expect(problems({ MEMBERSHIP_OPERATOR_EMAILS: 'olga@ops.example.org, olga' })).toEqual([
      'MEMBERSHIP_OPERATOR_EMAILS has "olga", which is not an e-mail address',
    ]);
    expect(problems({ MEMBERSHIP_REGION_STEWARDS: 'stella@example.org' })).toEqual([
      'MEMBERSHIP_REGION_STEWARDS has "stella@example.org", which is not an email=region-slug pair',
    ]);
    expect(problems({ MEMBERSHIP_REGION_STEWARDS: 'stella@example.org=Lisboa Centro' })).toEqual([
      'MEMBERSHIP_REGION_STEWARDS has "stella@example.org=Lisboa Centro", which is not an email=region-slug pair',
    ]);
    expect(problems({ MEMBERSHIP_REGION_STEWARDS: 'stella@example.org=lisboa,Stella@example.org=porto' })).toEqual([
      'MEMBERSHIP_REGION_STEWARDS gives stella@example.org two regions; a steward signs in for one',
    ]);
  });
});
