import { codeDeliveryKeyFrom, codeDeliveryKeyProductionProblem, codeDeliveryKeyVariable, DEV_CODE_DELIVERY_KEY } from '@mutuo/contracts';
import { integerBetween, loadConfig, MIN_SECRET_LENGTH, nodeEnvironment } from '@mutuo/platform';
import { z } from 'zod';

export const NOTIFICATIONS_CONFIG = Symbol('NOTIFICATIONS_CONFIG');

/** Published so anyone can see it is development-only; production refuses it. */
export const DEV_SMS_INBOUND_SECRET = 'mutuo-development-only-inbound-sms-secret';

export interface NotificationsConfig {
  readonly production: boolean;
  /** Null in development without NOTIFICATIONS_SMTP_URL: e-mails are then only logged (subject and recipient). */
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  /** Null in development without an SMS provider: SMS deliveries then fail over to the next channel. */
  readonly sms: { readonly apiUrl: string; readonly accountSid: string; readonly authToken: string; readonly from: string } | null;
  /** Keys the HMAC the SMS provider signs inbound texts with (`X-Twilio-Signature` on `POST /public/sms/inbound`). */
  readonly smsInboundSecret: string;
  /** How the outside world reaches this service's public routes (SMS receipts, CAP documents). */
  readonly publicUrl: string;
  readonly codeDeliveryKey: Buffer;
  readonly webhookAllowHttp: boolean;
  readonly webhookAllowPrivateAddresses: boolean;
  readonly worker: {
    readonly enabled: boolean;
    readonly intervalMs: number;
    readonly batchSize: number;
    readonly concurrency: number;
    /** A delivery left "sending" this long is taken as interrupted (its process died). */
    readonly sendingLeaseMs: number;
  };
  readonly rateLimit: { readonly maxMessages: number; readonly windowMs: number };
  readonly sendTimeoutMs: number;
}

const booleanVariable = (fallback: 'true' | 'false') => z.enum(['true', 'false'], { error: 'must be true or false' }).default(fallback);
const E164 = /^\+[1-9]\d{6,14}$/;

export const notificationsEnvironment = z
  .object({
    NODE_ENV: nodeEnvironment(),
    NOTIFICATIONS_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, { message: 'must be smtp://host:port or smtps://…' })
      .optional(),
    NOTIFICATIONS_MAIL_FROM: z.string().min(3).max(200).default('Mutuo <no-reply@mutuo.localhost>'),
    NOTIFICATIONS_SMS_API_URL: z.url({ message: 'must be a URL' }).optional(),
    NOTIFICATIONS_SMS_ACCOUNT_SID: z.string().min(1).max(64).optional(),
    NOTIFICATIONS_SMS_AUTH_TOKEN: z.string().min(8).max(256).optional(),
    NOTIFICATIONS_SMS_FROM: z.string().regex(E164, { message: 'must be an E.164 number like +351912345678' }).optional(),
    NOTIFICATIONS_SMS_INBOUND_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
    NOTIFICATIONS_PUBLIC_URL: z.url({ message: 'must be a URL' }).default('http://localhost:4105'),
    MEMBERSHIP_CODE_DELIVERY_KEY: codeDeliveryKeyVariable(),
    NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES: booleanVariable('false'),
    NOTIFICATIONS_WORKER_ENABLED: booleanVariable('true'),
    NOTIFICATIONS_WORKER_INTERVAL_MS: integerBetween(10, 600_000).default(1_000),
    NOTIFICATIONS_WORKER_BATCH_SIZE: integerBetween(1, 10_000).default(500),
    NOTIFICATIONS_WORKER_CONCURRENCY: integerBetween(1, 256).default(16),
    NOTIFICATIONS_SENDING_LEASE_MS: integerBetween(1_000, 3_600_000).default(120_000),
    NOTIFICATIONS_RATE_LIMIT_MAX: integerBetween(1, 1_000).default(3),
    NOTIFICATIONS_RATE_LIMIT_WINDOW_MS: integerBetween(1_000, 86_400_000).default(900_000),
    NOTIFICATIONS_SEND_TIMEOUT_MS: integerBetween(100, 120_000).default(15_000),
  })
  .superRefine((config, ctx) => {
    const fail = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message, input: undefined });
    const smsVariables = [
      config.NOTIFICATIONS_SMS_API_URL,
      config.NOTIFICATIONS_SMS_ACCOUNT_SID,
      config.NOTIFICATIONS_SMS_AUTH_TOKEN,
      config.NOTIFICATIONS_SMS_FROM,
    ];
    if (smsVariables.some((value) => value !== undefined) && smsVariables.some((value) => value === undefined)) {
      fail('NOTIFICATIONS_SMS_API_URL', 'set all of NOTIFICATIONS_SMS_API_URL, _ACCOUNT_SID, _AUTH_TOKEN and _FROM, or none');
    }
    // A send still running when the lease ends would be taken for a dead one and recovered while it runs.
    if (config.NOTIFICATIONS_SENDING_LEASE_MS <= config.NOTIFICATIONS_SEND_TIMEOUT_MS) {
      fail('NOTIFICATIONS_SENDING_LEASE_MS', 'must be longer than NOTIFICATIONS_SEND_TIMEOUT_MS');
    }
    if (config.NODE_ENV !== 'production') return;
    if (config.NOTIFICATIONS_SMTP_URL === undefined) fail('NOTIFICATIONS_SMTP_URL', 'is required in production');
    const deliveryKeyProblem = codeDeliveryKeyProductionProblem(config.MEMBERSHIP_CODE_DELIVERY_KEY);
    if (deliveryKeyProblem) fail('MEMBERSHIP_CODE_DELIVERY_KEY', deliveryKeyProblem);
    if (config.NOTIFICATIONS_SMS_INBOUND_SECRET === undefined) fail('NOTIFICATIONS_SMS_INBOUND_SECRET', 'is required in production');
    else if (config.NOTIFICATIONS_SMS_INBOUND_SECRET === DEV_SMS_INBOUND_SECRET)
      fail('NOTIFICATIONS_SMS_INBOUND_SECRET', 'must not be the development secret in production');
    if (config.NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true') fail('NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES', 'must be false in production');
    if (!config.NOTIFICATIONS_PUBLIC_URL.startsWith('https://')) fail('NOTIFICATIONS_PUBLIC_URL', 'must be https in production');
  });

/** Reads and checks the variables; a problem throws ConfigError naming every bad variable, and the service does not start. */
export function notificationsConfigFrom(env: NodeJS.ProcessEnv): NotificationsConfig {
  const config = loadConfig(notificationsEnvironment, env);
  const production = config.NODE_ENV === 'production';
  return {
    production,
    smtpUrl: config.NOTIFICATIONS_SMTP_URL ?? null,
    mailFrom: config.NOTIFICATIONS_MAIL_FROM,
    sms: config.NOTIFICATIONS_SMS_API_URL
      ? {
          apiUrl: config.NOTIFICATIONS_SMS_API_URL,
          accountSid: config.NOTIFICATIONS_SMS_ACCOUNT_SID!,
          authToken: config.NOTIFICATIONS_SMS_AUTH_TOKEN!,
          from: config.NOTIFICATIONS_SMS_FROM!,
        }
      : null,
    smsInboundSecret: config.NOTIFICATIONS_SMS_INBOUND_SECRET ?? DEV_SMS_INBOUND_SECRET,
    publicUrl: config.NOTIFICATIONS_PUBLIC_URL.replace(/\/$/, ''),
    codeDeliveryKey: config.MEMBERSHIP_CODE_DELIVERY_KEY ?? codeDeliveryKeyFrom(DEV_CODE_DELIVERY_KEY),
    webhookAllowHttp: config.NODE_ENV === 'development' || config.NODE_ENV === 'test',
    webhookAllowPrivateAddresses: config.NOTIFICATIONS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES === 'true',
    worker: {
      enabled: config.NOTIFICATIONS_WORKER_ENABLED === 'true',
      intervalMs: config.NOTIFICATIONS_WORKER_INTERVAL_MS,
      batchSize: config.NOTIFICATIONS_WORKER_BATCH_SIZE,
      concurrency: config.NOTIFICATIONS_WORKER_CONCURRENCY,
      sendingLeaseMs: config.NOTIFICATIONS_SENDING_LEASE_MS,
    },
    rateLimit: { maxMessages: config.NOTIFICATIONS_RATE_LIMIT_MAX, windowMs: config.NOTIFICATIONS_RATE_LIMIT_WINDOW_MS },
    sendTimeoutMs: config.NOTIFICATIONS_SEND_TIMEOUT_MS,
  };
}
