import type { DomainCounter } from '@mutuo/service-kit';

/** What the matching service counts on /metrics as it appends (docs/operations.md, "Metrics and alerts"). */
export const MATCHING_DOMAIN_COUNTERS: readonly DomainCounter[] = [
  { name: 'mutuo_matches_made_total', help: 'Helpers matched with a request', eventType: 'MatchMade' },
];
