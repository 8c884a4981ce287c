import { z } from 'zod';
import { integerBetween, loadConfig } from '@mutuo/platform';
import { DEFAULT_SCORING_SETTINGS, type ScoringSettings } from './domain/helper-scoring';

export const MATCHING_OPTIONS = Symbol('MATCHING_OPTIONS');

export interface MatchingOptions {
  readonly scoring: ScoringSettings;
  /** Whether this replica scans for requests past their deadline (several scanning at once is safe, just redundant). */
  readonly escalationEnabled: boolean;
  readonly escalationIntervalMs: number;
  /** Most neighbouring pods a request is offered to. */
  readonly maxNeighbourPods: number;
}

const weight = () => z.coerce.number({ error: 'must be a number' }).min(0).max(10);

export const matchingEnvironment = z.object({
  MATCHING_FAIRNESS_WEIGHT: weight().default(DEFAULT_SCORING_SETTINGS.weights.fairness),
  MATCHING_TRAVEL_RADIUS_KM: z.coerce.number({ error: 'must be a number' }).min(0.5).max(200).default(DEFAULT_SCORING_SETTINGS.travelRadiusKm),
  MATCHING_MAX_SUGGESTIONS: integerBetween(1, 100).default(DEFAULT_SCORING_SETTINGS.maxSuggestions),
  MATCHING_ESCALATION_ENABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  MATCHING_ESCALATION_INTERVAL_MS: integerBetween(100, 86_400_000).default(30_000),
  MATCHING_MAX_NEIGHBOUR_PODS: integerBetween(1, 50).default(3),
});

/** Reads matching's tunables; a bad value throws ConfigError naming the variable. */
export function matchingOptionsFrom(env: NodeJS.ProcessEnv): MatchingOptions {
  const config = loadConfig(matchingEnvironment, env);
  return {
    scoring: {
      ...DEFAULT_SCORING_SETTINGS,
      weights: { ...DEFAULT_SCORING_SETTINGS.weights, fairness: config.MATCHING_FAIRNESS_WEIGHT },
      travelRadiusKm: config.MATCHING_TRAVEL_RADIUS_KM,
      maxSuggestions: config.MATCHING_MAX_SUGGESTIONS,
    },
    escalationEnabled: config.MATCHING_ESCALATION_ENABLED === 'true',
    escalationIntervalMs: config.MATCHING_ESCALATION_INTERVAL_MS,
    maxNeighbourPods: config.MATCHING_MAX_NEIGHBOUR_PODS,
  };
}
