import { z } from 'zod';
import { integerBetween, loadConfig } from '@mutuo/platform';

export const PAUSE_RETURN_OPTIONS = Symbol('PAUSE_RETURN_OPTIONS');

export interface PauseReturnOptions {
  /** Off on replicas that should not schedule; several replicas scheduling at once is safe, just redundant. */
  readonly enabled: boolean;
  /** Time between two scans for due returns; returns known in advance are also timed to the moment. */
  readonly intervalMs: number;
  /** Most returns handled per scan; the rest follow right after. */
  readonly batchSize: number;
}

export const pauseReturnEnvironment = z.object({
  PAUSE_RETURN_SCHEDULER_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  PAUSE_RETURN_INTERVAL_MS: integerBetween(100, 86_400_000).default(30_000),
  PAUSE_RETURN_BATCH_SIZE: integerBetween(1, 1_000).default(100),
});

/** Reads the scheduler's variables; a bad value throws ConfigError naming the variable. */
export function pauseReturnOptionsFrom(env: NodeJS.ProcessEnv): PauseReturnOptions {
  const config = loadConfig(pauseReturnEnvironment, env);
  return {
    enabled: config.PAUSE_RETURN_SCHEDULER_ENABLED === 'true',
    intervalMs: config.PAUSE_RETURN_INTERVAL_MS,
    batchSize: config.PAUSE_RETURN_BATCH_SIZE,
  };
}
