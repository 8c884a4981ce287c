import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { es256SigningKeyFromPem, type Es256SigningKey } from './es256-signing-key';

/** Where the development signing key lives, relative to the working directory (the repository root for `npm run`). */
export const DEV_SIGNING_KEY_FILE = '.state/dev-signing-key.pem';

export class DevSigningKeyRefused extends Error {
  constructor() {
    super('The development signing key cannot be used when NODE_ENV=production: configure MEMBERSHIP_SIGNING_KEY');
    this.name = 'DevSigningKeyRefused';
  }
}

/** `DEV_SIGNING_KEY_FILE` from the environment, else the default under `.state/`, as an absolute path. */
export function devSigningKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DEV_SIGNING_KEY_FILE || DEV_SIGNING_KEY_FILE);
}

/**
 * The ES256 key membership signs with on a development machine, and the dev-token CLI signs with too, so its
 * tokens pass the same JWKS. Generated on first use and kept (mode 0600) so tokens survive restarts.
 * Refused with NODE_ENV=production: production signs only with the key it was given.
 */
export function loadOrCreateDevSigningKey(file: string = devSigningKeyPath()): Es256SigningKey {
  if (process.env.NODE_ENV === 'production') throw new DevSigningKeyRefused();
  try {
    return es256SigningKeyFromPem(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(dirname(file), { recursive: true });
  try {
    // `wx`: when two processes race to create it, the second keeps the first one's key.
    writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return es256SigningKeyFromPem(readFileSync(file, 'utf8'));
  }
  return es256SigningKeyFromPem(pem);
}
