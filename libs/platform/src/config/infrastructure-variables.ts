import type { z } from 'zod';

/** What the production rules for the database and broker connections look at. */
export interface InfrastructureVariables {
  readonly NODE_ENV?: unknown;
  readonly DATABASE_URL?: unknown;
  readonly DATABASE_APP_PASSWORD?: unknown;
  readonly NATS_URL?: unknown;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * Production refuses connections that need no secret: the development defaults connect to PostgreSQL without a
 * password and to NATS without credentials, which works only on a machine nobody else can reach. Run it with
 * `{ when: () => true }` so its problems are reported together with malformed variables.
 */
export function checkInfrastructureVariables(config: InfrastructureVariables, ctx: z.RefinementCtx): void {
  if (config.NODE_ENV !== 'production') return;
  const fail = (variable: 'DATABASE_URL' | 'NATS_URL', message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });

  if (typeof config.DATABASE_URL === 'string') {
    const url = parseUrl(config.DATABASE_URL);
    const hasPassword = (url !== undefined && url.password !== '') || (typeof config.DATABASE_APP_PASSWORD === 'string' && config.DATABASE_APP_PASSWORD !== '');
    if (url && !hasPassword) fail('DATABASE_URL', 'must carry a password (or set DATABASE_APP_PASSWORD) in production; the development default has none');
  }
  if (typeof config.NATS_URL === 'string') {
    const servers = config.NATS_URL.split(',').map((part) => parseUrl(part.trim()));
    // nats://user:password@host or nats://token@host: the client sends what the URL carries.
    if (servers.some((url) => url !== undefined && url.username === '')) {
      fail('NATS_URL', 'must carry credentials (nats://user:password@host or nats://token@host) in production; the development default has none');
    }
  }
}
