import { URGENCIES } from '@mutuo/contracts';
import type { DomainCounter } from '@mutuo/service-kit';

/** What the requests service counts on /metrics as it appends (docs/operations.md, "Metrics and alerts"). */
export const REQUESTS_DOMAIN_COUNTERS: readonly DomainCounter[] = [
  {
    name: 'mutuo_requests_posted_total',
    help: 'Requests for help posted, by urgency',
    eventType: 'RequestPosted',
    labels: { urgency: { values: URGENCIES, of: (data) => data.urgency } },
  },
];
