import { z } from 'zod';
import { integerBetween, loadConfig } from '@mutuo/platform';

export const ROLE_SCHEDULER_OPTIONS = Symbol('ROLE_SCHEDULER_OPTIONS');

export interface RoleSchedulerOptions {
  /** Off on replicas that should not schedule; several replicas scheduling at once is safe, just redundant. */
  readonly enabled: boolean;
  /** Time between two scans for due terms. */
  readonly intervalMs: number;
  /** Most terms handled per scan; the rest wait for the next one. */
  readonly batchSize: number;
}

export const roleSchedulerEnvironment = z.object({
  ROLE_SCHEDULER_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  ROLE_SCHEDULER_INTERVAL_MS: integerBetween(100, 86_400_000).default(60_000),
  ROLE_SCHEDULER_BATCH_SIZE: integerBetween(1, 1_000).default(100),
});

/** Reads the scheduler's variables; a bad value throws ConfigError naming the variable. */
export function roleSchedulerOptionsFrom(env: NodeJS.ProcessEnv): RoleSchedulerOptions {
  const config = loadConfig(roleSchedulerEnvironment, env);
  return {
    enabled: config.ROLE_SCHEDULER_ENABLED === 'true',
    intervalMs: config.ROLE_SCHEDULER_INTERVAL_MS,
    batchSize: config.ROLE_SCHEDULER_BATCH_SIZE,
  };
}
