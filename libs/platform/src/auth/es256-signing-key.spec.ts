import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { DevSigningKeyRefused, loadOrCreateDevSigningKey } from './dev-signing-key';
import { es256SigningKeyFromPem, InvalidSigningKeyError } from './es256-signing-key';

const pkcs8 = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

describe('ES256 signing keys', () => {
  it('reads a P-256 PKCS#8 key, also with literal \\n from an env file, and names it by its RFC 7638 thumbprint', async () => {
    const pem = pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);

    const key = es256SigningKeyFromPem(pem.replace(/\n/g, '\\n'));

    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(key.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(JSON.stringify(key.publicJwk)).not.toContain('"d"');
  });

  it('refuses other curves, RSA keys, SEC1 PEM and garbage, without echoing the key', () => {
    const refusal = (pem: string) => {
      try {
        es256SigningKeyFromPem(pem);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidSigningKeyError);
        expect((error as Error).message).not.toContain('PRIVATE KEY-----\n');
        return (error as Error).message;
      }
      throw new Error('the key was accepted');
    };
    expect(refusal(pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey))).toBe('must be an EC key on the P-256 curve (ES256)');
    expect(refusal(pkcs8(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey))).toBe('must be an EC key on the P-256 curve (ES256)');
    const sec1 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(refusal(sec1)).toBe('must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)');
    expect(refusal('-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----')).toBe('is not a readable PEM private key');
  });
});

describe('the development signing key', () => {
  let directory: string;
  const nodeEnv = process.env.NODE_ENV;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'mutuo-dev-key-'));
  });
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
    rmSync(directory, { recursive: true, force: true });
  });

  it('is generated once and then read back', () => {
    const file = join(directory, 'nested', 'dev-signing-key.pem');

    const first = loadOrCreateDevSigningKey(file);
    const second = loadOrCreateDevSigningKey(file);

    expect(second.kid).toBe(first.kid);
  });

  it('is refused with NODE_ENV=production', () => {
    process.env.NODE_ENV = 'production';

    expect(() => loadOrCreateDevSigningKey(join(directory, 'key.pem'))).toThrow(DevSigningKeyRefused);
  });
});
