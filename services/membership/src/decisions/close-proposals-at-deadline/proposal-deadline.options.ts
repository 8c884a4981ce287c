import { z } from 'zod';
import { integerBetween, loadConfig } from '@mutuo/platform';

export const PROPOSAL_DEADLINE_OPTIONS = Symbol('PROPOSAL_DEADLINE_OPTIONS');

export interface ProposalDeadlineOptions {
  /** Off on replicas that should not schedule; several replicas scheduling at once is safe, just redundant. */
  readonly enabled: boolean;
  /** Longest sleep between two scans; the scheduler wakes sooner, at the next reminder or deadline it knows of. */
  readonly intervalMs: number;
  /** Most proposals handled per scan; the rest follow right after. */
  readonly batchSize: number;
}

export const proposalDeadlineEnvironment = z.object({
  PROPOSAL_SCHEDULER_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  PROPOSAL_SCHEDULER_INTERVAL_MS: integerBetween(1_000, 86_400_000).default(600_000),
  PROPOSAL_SCHEDULER_BATCH_SIZE: integerBetween(1, 1_000).default(100),
});

/** Reads the scheduler's variables; a bad value throws ConfigError naming the variable. */
export function proposalDeadlineOptionsFrom(env: NodeJS.ProcessEnv): ProposalDeadlineOptions {
  const config = loadConfig(proposalDeadlineEnvironment, env);
  return {
    enabled: config.PROPOSAL_SCHEDULER_ENABLED === 'true',
    intervalMs: config.PROPOSAL_SCHEDULER_INTERVAL_MS,
    batchSize: config.PROPOSAL_SCHEDULER_BATCH_SIZE,
  };
}
