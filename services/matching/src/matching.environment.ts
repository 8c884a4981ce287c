import type { EnvironmentSection } from '@mutuo/platform';
import { matchingEnvironment } from './matching.options';

/** docs/configuration.md: matching's own variables, besides those every service reads. */
export const matchingEnvironmentSections: readonly EnvironmentSection[] = [
  {
    schema: matchingEnvironment,
    notes: {
      MATCHING_FAIRNESS_WEIGHT: { description: 'How much helpers who helped less lately are preferred when candidates are ranked.' },
      MATCHING_TRAVEL_RADIUS_KM: { description: 'Farthest a helper is considered from a request.' },
      MATCHING_MAX_SUGGESTIONS: { description: 'Most candidates suggested for one request.' },
      MATCHING_ESCALATION_ENABLED: { description: 'Whether this replica offers unmatched requests past their deadline to neighbouring pods.' },
      MATCHING_ESCALATION_INTERVAL_MS: { description: 'Time between two scans for requests to escalate.' },
      MATCHING_MAX_NEIGHBOUR_PODS: { description: 'Most neighbouring pods an escalated request is offered to, nearest first.' },
    },
  },
];
