import { createHash, createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** An ES256 (ECDSA P-256, SHA-256) private key and what verifiers need to find its public half. */
export interface Es256SigningKey {
  readonly privateKey: KeyObject;
  /** RFC 7638 thumbprint of the public key: the `kid` of every token it signs and of its JWKS entry. */
  readonly kid: string;
  /** The public key as a JWKS entry (`kty`, `crv`, `x`, `y`, `kid`, `alg`, `use`). */
  readonly publicJwk: Es256PublicJwk;
}

export interface Es256PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** The key is not a P-256 private key in PKCS#8 PEM; the message says what it is instead, never the key. */
export class InvalidSigningKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSigningKeyError';
  }
}

/** PEM keys often arrive through env files with literal `\n`. */
export function normalisePem(value: string): string {
  return value.replace(/\\n/g, '\n').trim();
}

/** Reads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) holding a P-256 key. */
export function es256SigningKeyFromPem(pem: string): Es256SigningKey {
  const text = normalisePem(pem);
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new InvalidSigningKeyError('must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new InvalidSigningKeyError('is not a readable PEM private key');
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new InvalidSigningKeyError('must be an EC key on the P-256 curve (ES256)');
  }
  return { privateKey, ...publicJwkOf(privateKey) };
}

/** The JWKS entry of a P-256 key (private or public): verifiers never see more than this. */
export function es256PublicJwk(key: KeyObject): Es256PublicJwk {
  return publicJwkOf(key).publicJwk;
}

function publicJwkOf(key: KeyObject): { kid: string; publicJwk: Es256PublicJwk } {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JsonWebKey;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new InvalidSigningKeyError('must be an EC key on the P-256 curve (ES256)');
  }
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return { kid, publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' } };
}
