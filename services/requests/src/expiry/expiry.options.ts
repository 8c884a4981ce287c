import { z } from 'zod';
import { integerBetween, loadConfig } from '@mutuo/platform';

export const EXPIRY_OPTIONS = Symbol('EXPIRY_OPTIONS');

export interface ExpiryOptions {
  /** Off on replicas that should not scan; several scanning at once is safe (optimistic concurrency), just redundant. */
  readonly enabled: boolean;
  readonly intervalMs: number;
  readonly batchSize: number;
}

export const expiryEnvironment = z.object({
  REQUEST_EXPIRY_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  REQUEST_EXPIRY_INTERVAL_MS: integerBetween(100, 86_400_000).default(60_000),
  REQUEST_EXPIRY_BATCH_SIZE: integerBetween(1, 1_000).default(200),
});

/** Reads the expiry job's variables; a bad value throws ConfigError naming the variable. */
export function expiryOptionsFrom(env: NodeJS.ProcessEnv): ExpiryOptions {
  const config = loadConfig(expiryEnvironment, env);
  return { enabled: config.REQUEST_EXPIRY_ENABLED === 'true', intervalMs: config.REQUEST_EXPIRY_INTERVAL_MS, batchSize: config.REQUEST_EXPIRY_BATCH_SIZE };
}
