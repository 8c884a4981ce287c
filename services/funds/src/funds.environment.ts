import type { EnvironmentSection } from '@mutuo/platform';
import { payoutEnvironment } from './disbursements/payout-processor';

/** docs/configuration.md: funds' own variables, besides those every service reads. */
export const fundsEnvironmentSections: readonly EnvironmentSection[] = [
  {
    schema: payoutEnvironment,
    notes: {
      FUNDS_PAYOUT_PROCESSOR: {
        description:
          'How approved disbursements are paid. `manual`: treasurers pay outside the platform and record the payout with its reference and proof (`payDisbursement` is refused). `sandbox`: a pretend processor that pays nobody (development and tests).',
        format: '`manual` or `sandbox`',
        defaultText: '`sandbox`; `manual` in production',
        production: 'sandbox refused',
      },
    },
  },
];
