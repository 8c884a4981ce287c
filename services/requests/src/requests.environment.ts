import type { EnvironmentSection } from '@mutuo/platform';
import { expiryEnvironment } from './expiry/expiry.options';

/** docs/configuration.md: requests' own variables, besides those every service reads. */
export const requestsEnvironmentSections: readonly EnvironmentSection[] = [
  {
    schema: expiryEnvironment,
    notes: {
      REQUEST_EXPIRY_ENABLED: { description: 'Whether this replica expires requests past their end (several at once is safe, just redundant).' },
      REQUEST_EXPIRY_INTERVAL_MS: { description: 'Time between two scans for due requests.' },
      REQUEST_EXPIRY_BATCH_SIZE: { description: 'Most requests expired per scan.' },
    },
  },
];
