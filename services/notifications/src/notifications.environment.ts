import type { EnvironmentSection } from '@mutuo/platform';
import { notificationsEnvironment } from './shared/channels/notifications.config';

/** docs/configuration.md: notifications' own variables, besides those every service reads. */
export const notificationsEnvironmentSections: readonly EnvironmentSection[] = [
  {
    schema: notificationsEnvironment,
    notes: {
      NOTIFICATIONS_SMTP_URL: {
        description: 'SMTP server e-mails leave through; without it (development) e-mails are only logged.',
        format: 'smtp:// or smtps:// URL',
      },
      NOTIFICATIONS_MAIL_FROM: { description: 'Sender of every e-mail.' },
      NOTIFICATIONS_SMS_API_URL: {
        description: 'Twilio-style SMS API; set all four SMS variables or none (without them SMS falls over to the next channel).',
        format: 'URL',
      },
      NOTIFICATIONS_SMS_ACCOUNT_SID: { description: 'Account of the SMS API.' },
      NOTIFICATIONS_SMS_AUTH_TOKEN: { description: 'Secret of the SMS API account.' },
      NOTIFICATIONS_SMS_FROM: { description: 'Number SMS are sent from.', format: 'E.164 number (`+351912345678`)' },
      NOTIFICATIONS_SMS_INBOUND_SECRET: {
        description:
          'Secret the SMS provider signs inbound texts with (HMAC-SHA1 over the URL and sorted parameters, `X-Twilio-Signature`) on `POST /public/sms/inbound`.',
        format: `text, at least 32 characters`,
        defaultText: 'development secret',
        production: 'development value refused',
      },
      NOTIFICATIONS_PUBLIC_URL: { description: 'How the outside world reaches this service’s public routes (SMS receipts, CAP documents).', format: 'URL' },
      MEMBERSHIP_CODE_DELIVERY_KEY: {
        description: 'AES-256-GCM key membership seals sign-in codes and contacts with and notifications opens them with: the same value in both.',
        format: '32 bytes in base64 (`openssl rand -base64 32`)',
        defaultText: 'development key',
        production: 'development value refused',
      },
      NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: {
        description: 'Lets webhooks call private and loopback addresses (tests only).',
        production: 'must be false',
      },
      NOTIFICATIONS_WORKER_ENABLED: { description: 'Whether this replica sends queued deliveries.' },
      NOTIFICATIONS_WORKER_INTERVAL_MS: { description: 'Time between two polls of the delivery queue.' },
      NOTIFICATIONS_WORKER_BATCH_SIZE: { description: 'Most deliveries taken per poll.' },
      NOTIFICATIONS_WORKER_CONCURRENCY: { description: 'Deliveries sent at once.' },
      NOTIFICATIONS_SENDING_LEASE_MS: {
        description: 'A delivery left “sending” this long belonged to a process that died and is recovered; longer than `NOTIFICATIONS_SEND_TIMEOUT_MS`.',
      },
      NOTIFICATIONS_RATE_LIMIT_MAX: { description: 'Messages per member and channel per window; more are held and leave as one digest.' },
      NOTIFICATIONS_RATE_LIMIT_WINDOW_MS: { description: 'Window of that limit.' },
      NOTIFICATIONS_SEND_TIMEOUT_MS: { description: 'Deadline of one send (SMTP, SMS API, webhook).' },
    },
  },
];
