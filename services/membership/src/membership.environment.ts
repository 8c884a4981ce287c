import type { EnvironmentSection, VariableNote } from '@mutuo/platform';
import { pauseReturnEnvironment } from './member-settings/boundaries/pause-return.options';
import { roleSchedulerEnvironment } from './roles/role-scheduler.options';
import { proposalDeadlineEnvironment } from './decisions/close-proposals-at-deadline/proposal-deadline.options';
import { membershipAuthEnvironment } from './shared/membership-auth.config';

/** The key notifications is given too (notifications.environment.ts describes it the same way). */
const CODE_DELIVERY_KEY_NOTE: VariableNote = {
  description: 'AES-256-GCM key membership seals sign-in codes and contacts with and notifications opens them with: the same value in both.',
  format: '32 bytes in base64 (`openssl rand -base64 32`)',
  defaultText: 'development key',
  production: 'development value refused',
};

/** docs/configuration.md: membership's own variables, besides those every service reads. */
export const membershipEnvironmentSections: readonly EnvironmentSection[] = [
  {
    schema: membershipAuthEnvironment,
    notes: {
      MEMBERSHIP_SIGNING_KEY: {
        description: 'ES256 key membership signs access tokens with; its public half is served at `/.well-known/jwks.json`.',
        format: 'PKCS#8 PEM, P-256 (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`)',
        defaultText: 'development key in `.state/dev-signing-key.pem` (`DEV_SIGNING_KEY_FILE`), made on first use',
      },
      MEMBERSHIP_PREVIOUS_SIGNING_KEY: {
        description: 'The key before a rotation: still published in the JWKS so the tokens it signed stay valid, never used to sign.',
        format: 'PKCS#8 PEM, P-256',
      },
      MEMBERSHIP_HASH_SECRET: {
        description:
          'Keys the HMACs of e-mail addresses, codes and IP addresses. Changing it needs the `sign-in-directory` projection rebuilt and changes newcomers’ derived person ids.',
        format: 'text, at least 32 characters',
        defaultText: 'development secret',
        production: 'development value refused',
      },
      MEMBERSHIP_CODE_DELIVERY_KEY: CODE_DELIVERY_KEY_NOTE,
      MEMBERSHIP_ACCESS_TOKEN_TTL_SECONDS: { description: 'Lifetime of an access token.' },
      MEMBERSHIP_REFRESH_TOKEN_TTL_DAYS: { description: 'Lifetime of a refresh token.' },
      MEMBERSHIP_SESSION_MAX_DAYS: { description: 'Longest a sign-in session lasts, however often it is refreshed.' },
      MEMBERSHIP_SIGN_IN_CODE_TTL_SECONDS: { description: 'How long a one-time sign-in code is valid.' },
      MEMBERSHIP_SIGN_IN_CODE_MAX_ATTEMPTS: { description: 'Wrong guesses allowed per code.' },
      MEMBERSHIP_SIGN_IN_RATE_WINDOW_SECONDS: { description: 'Window of the sign-in rate limits below.' },
      MEMBERSHIP_SIGN_IN_MAX_CODES_PER_ADDRESS: { description: 'Codes one address is sent per window and requester.' },
      MEMBERSHIP_SIGN_IN_MAX_REQUESTS_PER_IP: { description: 'Code requests plus guesses one IP address may make per window.' },
      MEMBERSHIP_VERIFICATION_MAX_CODES_PER_MEMBER: { description: 'Contact-verification codes one member is sent per window, over all their channels.' },
      MEMBERSHIP_SMS_MAX_CODES_PER_NUMBER: {
        description: 'Verification codes one phone number is sent by SMS per window, whoever asks: caps the cost and the texts a number receives.',
      },
      MEMBERSHIP_HOUSEKEEPING_INTERVAL_MS: { description: 'Time between purges of expired codes, counters and sessions; `0` turns the purge off.' },
      MEMBERSHIP_OPERATOR_EMAILS: { description: 'Addresses whose sign-ins carry the `operator` role.', format: 'comma-separated e-mail addresses' },
      MEMBERSHIP_REGION_STEWARDS: {
        description: 'Addresses whose sign-ins carry `region-steward` for one region each.',
        format: 'comma-separated `email=region-slug` pairs',
      },
    },
    variables: {
      DEV_SIGNING_KEY_FILE: {
        description: 'Where the development signing key is kept (also used by `npm run token`); development only.',
        format: 'file path',
        defaultText: '.state/dev-signing-key.pem',
        production: 'not used: the development key is refused',
      },
    },
  },
  {
    schema: pauseReturnEnvironment,
    notes: {
      PAUSE_RETURN_SCHEDULER_ENABLED: {
        description: 'Whether this replica brings paused members back when their pause ends (several at once is safe, just redundant).',
      },
      PAUSE_RETURN_INTERVAL_MS: { description: 'Time between two scans for due returns.' },
      PAUSE_RETURN_BATCH_SIZE: { description: 'Most returns handled per scan.' },
    },
  },
  {
    schema: roleSchedulerEnvironment,
    notes: {
      ROLE_SCHEDULER_ENABLED: { description: 'Whether this replica ends role terms that are due (several at once is safe, just redundant).' },
      ROLE_SCHEDULER_INTERVAL_MS: { description: 'Time between two scans for due terms.' },
      ROLE_SCHEDULER_BATCH_SIZE: { description: 'Most terms handled per scan.' },
    },
  },
  {
    schema: proposalDeadlineEnvironment,
    notes: {
      PROPOSAL_SCHEDULER_ENABLED: {
        description:
          "Whether this replica reminds voters a day before a proposal's deadline and counts it at the deadline (several at once is safe, just redundant).",
      },
      PROPOSAL_SCHEDULER_INTERVAL_MS: {
        description: 'Longest sleep between two scans for due proposals; the scheduler also wakes at the next reminder or deadline it knows of.',
      },
      PROPOSAL_SCHEDULER_BATCH_SIZE: { description: 'Most proposals handled per scan.' },
    },
  },
];
