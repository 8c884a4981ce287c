import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@mutuo/platform';
import { SERVICE_LOGGER } from '@mutuo/service-kit';
import type { Express } from 'express';
import { SigningKeys } from './signing-keys';

export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * The public keys verifiers fetch (JWT_JWKS_URL). Public on purpose, outside the gateway secret. Verifiers cache
 * it; five minutes keeps a newly added key visible soon, and jose refetches early for a `kid` it has not seen.
 */
export function mountJwks(app: INestApplication): void {
  const keys = app.get(SigningKeys);
  const logger = app.get<Logger>(SERVICE_LOGGER);
  const expressApp = app.getHttpAdapter().getInstance() as Express;
  expressApp.get(JWKS_PATH, (_req, res) => {
    let document: string;
    try {
      document = JSON.stringify(keys.keySet());
    } catch (error) {
      // The development key file could not be read or written, say: verifiers retry, operators see why.
      logger.error({ err: error }, 'The JWKS could not be built');
      res.status(500).set('cache-control', 'no-store').json({ error: 'server_error' });
      return;
    }
    res
      .status(200)
      .set({ 'cache-control': 'public, max-age=300, stale-while-revalidate=60', 'content-type': 'application/jwk-set+json; charset=utf-8' })
      .send(document);
  });
}
