import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';
import type { NotificationKind } from './notification-kinds';

/**
 * One delivery: one notification to one recipient over one channel. Its stream is created by DecideDelivery with
 * "no stream yet" as the expected version, so the (event, recipient, channel) key is unique and committed before
 * any send. A send moves it pending → sending → sent | failed; a send is retried only when it provably did not
 * happen: the provider refused it, or the channel deduplicates repeated sends (SMS idempotency key, webhook
 * delivery id). An e-mail interrupted mid-send ends as `unknown`, never sent twice.
 */
export const DELIVERY_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** What a delivery carries: a notification kind, or a partner webhook's copy of an integration event. */
export type DeliveryKind = NotificationKind | 'partner-event';

export type DigestPreference = 'immediate' | 'daily' | 'weekly';

export type DeliveryRecipient =
  | { readonly type: 'member'; readonly memberId: string }
  | { readonly type: 'webhook-endpoint'; readonly endpointId: string }
  /** A one-time code's address, sealed inside the content. */
  | { readonly type: 'sealed-address' };

export type DeliveryContent =
  | { readonly type: 'rendered'; readonly locale: string; readonly subject: string; readonly body: string }
  /** A one-time code: address and code stay sealed until the moment of sending. */
  | {
      readonly type: 'sealed-code';
      readonly locale: string;
      readonly codeDeliveryId: string;
      readonly purpose: 'sign-in' | 'contact-verification';
      readonly sealed: string;
    }
  /** A partner webhook's JSON payload. */
  | { readonly type: 'webhook-payload'; readonly eventType: string; readonly payload: Record<string, unknown> };

export interface DeliveryDetails {
  readonly deliveryId: string;
  /** Null for a sign-in code: the person may not be in any pod yet. */
  readonly podId: string | null;
  /** The inbox notification this delivery carries outside the app; null for codes and webhooks. */
  readonly notificationId: string | null;
  readonly causeEventId: string;
  readonly kind: DeliveryKind;
  readonly recipient: DeliveryRecipient;
  readonly channel: DeliveryChannel;
  readonly content: DeliveryContent;
  /** The next channels in the member's order, tried when this one fails for good. */
  readonly fallbackChannels: readonly DeliveryChannel[];
  /** Pointless after this (a code, say): never sent later. */
  readonly expiresAt: string | null;
  /** An emergency in a declared incident for a member who let emergencies through their quiet hours. */
  readonly overridesQuietHours: boolean;
  /** Collected into a digest at `notBefore` instead of sent alone. */
  readonly digest: DigestPreference;
  /** Not sent before this. */
  readonly notBefore: string;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const RETRY_POLICIES: Record<DeliveryChannel, RetryPolicy> = {
  email: { maxAttempts: 6, baseDelayMs: 30_000, maxDelayMs: 3_600_000 },
  sms: { maxAttempts: 6, baseDelayMs: 30_000, maxDelayMs: 3_600_000 },
  webhook: { maxAttempts: 8, baseDelayMs: 10_000, maxDelayMs: 6 * 3_600_000 },
};

/** Exponential backoff: base, 2×base, 4×base … capped. */
export function retryDelayMs(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1), policy.maxDelayMs);
}

/** Channels whose provider recognises a repeated send (idempotency key, delivery id): an interrupted send may be retried. */
export const DEDUPLICATING_CHANNELS: readonly DeliveryChannel[] = ['sms', 'webhook'];

interface Common {
  readonly details: DeliveryDetails;
  readonly attempts: number;
}

export type DeliveryState =
  | { readonly status: 'none' }
  | (Common & { readonly status: 'pending'; readonly nextAttemptAt: string; readonly lastError: string | null })
  | (Common & { readonly status: 'sending'; readonly attemptStartedAt: string })
  | (Common & { readonly status: 'sent'; readonly sentAt: string; readonly providerMessageId: string; readonly receipt: 'accepted' | 'delivered' })
  | (Common & { readonly status: 'failed'; readonly failedAt: string; readonly reason: string })
  | (Common & { readonly status: 'unknown'; readonly since: string })
  | (Common & { readonly status: 'digested'; readonly digestDeliveryId: string })
  | (Common & { readonly status: 'expired' | 'cancelled'; readonly at: string; readonly reason: string });

export type SendOutcome =
  | { readonly type: 'accepted'; readonly providerMessageId: string }
  /** The provider provably did not take it: refused, or never reached. */
  | { readonly type: 'not-sent'; readonly permanent: boolean; readonly error: string };

export type DecideDelivery = Command<'DecideDelivery', DeliveryDetails>;
export type StartSendAttempt = Command<'StartSendAttempt', { deliveryId: string }>;
export type RecordSendOutcome = Command<'RecordSendOutcome', { deliveryId: string; outcome: SendOutcome }>;
export type RecoverInterruptedSend = Command<'RecoverInterruptedSend', { deliveryId: string }>;
export type PostponeDelivery = Command<'PostponeDelivery', { deliveryId: string; until: string; reason: 'quiet-hours' | 'rate-limit' | 'paused' }>;
export type IncludeInDigest = Command<'IncludeInDigest', { deliveryId: string; digestDeliveryId: string }>;
export type RecordDeliveryReceipt = Command<'RecordDeliveryReceipt', { deliveryId: string; providerMessageId: string; status: 'delivered' | 'undelivered' }>;
export type CancelDelivery = Command<'CancelDelivery', { deliveryId: string; reason: string }>;
export type DeliveryCommand =
  DecideDelivery | StartSendAttempt | RecordSendOutcome | RecoverInterruptedSend | PostponeDelivery | IncludeInDigest | RecordDeliveryReceipt | CancelDelivery;

export type DeliveryDecided = DomainEvent<'DeliveryDecided', DeliveryDetails & { decidedAt: string }>;
export type DeliveryAttemptStarted = DomainEvent<'DeliveryAttemptStarted', { deliveryId: string; attempt: number; startedAt: string }>;
export type DeliverySent = DomainEvent<'DeliverySent', { deliveryId: string; providerMessageId: string; sentAt: string }>;
export type DeliveryAttemptFailed = DomainEvent<'DeliveryAttemptFailed', { deliveryId: string; attempt: number; error: string; retryAt: string }>;
export type DeliveryFailed = DomainEvent<
  'DeliveryFailed',
  { deliveryId: string; reason: string; failedAt: string; /** The channel to try next, if any. */ fallbackChannel: DeliveryChannel | null }
>;
export type DeliveryOutcomeUnknown = DomainEvent<'DeliveryOutcomeUnknown', { deliveryId: string; since: string }>;
export type DeliveryPostponed = DomainEvent<'DeliveryPostponed', { deliveryId: string; until: string; reason: string }>;
export type DeliveryIncludedInDigest = DomainEvent<'DeliveryIncludedInDigest', { deliveryId: string; digestDeliveryId: string }>;
export type DeliveryReceiptRecorded = DomainEvent<'DeliveryReceiptRecorded', { deliveryId: string; status: 'delivered' | 'undelivered'; at: string }>;
export type DeliveryExpired = DomainEvent<'DeliveryExpired', { deliveryId: string; at: string }>;
export type DeliveryCancelled = DomainEvent<'DeliveryCancelled', { deliveryId: string; at: string; reason: string }>;
export type DeliveryEvent =
  | DeliveryDecided
  | DeliveryAttemptStarted
  | DeliverySent
  | DeliveryAttemptFailed
  | DeliveryFailed
  | DeliveryOutcomeUnknown
  | DeliveryPostponed
  | DeliveryIncludedInDigest
  | DeliveryReceiptRecorded
  | DeliveryExpired
  | DeliveryCancelled;

function notFound(): never {
  throw new DomainRuleViolation('DELIVERY_NOT_FOUND', 'No such delivery', 'deliveryId');
}

export const deliveryDecider: Decider<DeliveryState, DeliveryCommand, DeliveryEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    const now = command.metadata.now;
    switch (command.type) {
      case 'DecideDelivery':
        // However often the cause arrives, the key was decided once.
        if (state.status !== 'none') return [];
        return [{ type: 'DeliveryDecided', data: { ...command.data, decidedAt: now }, metadata }];
      case 'StartSendAttempt': {
        if (state.status === 'none') return notFound();
        if (state.status !== 'pending' || state.nextAttemptAt > now) return [];
        const { details } = state;
        if (details.expiresAt !== null && details.expiresAt <= now) {
          return [{ type: 'DeliveryExpired', data: { deliveryId: details.deliveryId, at: now }, metadata }];
        }
        return [{ type: 'DeliveryAttemptStarted', data: { deliveryId: details.deliveryId, attempt: state.attempts + 1, startedAt: now }, metadata }];
      }
      case 'RecordSendOutcome': {
        if (state.status === 'none') return notFound();
        if (state.status !== 'sending') return [];
        const { details } = state;
        const { outcome } = command.data;
        if (outcome.type === 'accepted') {
          return [{ type: 'DeliverySent', data: { deliveryId: details.deliveryId, providerMessageId: outcome.providerMessageId, sentAt: now }, metadata }];
        }
        const policy = RETRY_POLICIES[details.channel];
        if (!outcome.permanent && state.attempts < policy.maxAttempts) {
          const retryAt = new Date(Date.parse(now) + retryDelayMs(policy, state.attempts)).toISOString();
          return [
            { type: 'DeliveryAttemptFailed', data: { deliveryId: details.deliveryId, attempt: state.attempts, error: outcome.error, retryAt }, metadata },
          ];
        }
        const reason = outcome.permanent ? outcome.error : `Gave up after ${state.attempts} attempts: ${outcome.error}`;
        return [
          {
            type: 'DeliveryFailed',
            data: { deliveryId: details.deliveryId, reason, failedAt: now, fallbackChannel: details.fallbackChannels[0] ?? null },
            metadata,
          },
        ];
      }
      case 'RecoverInterruptedSend': {
        if (state.status === 'none') return notFound();
        if (state.status !== 'sending') return [];
        const { details } = state;
        if (DEDUPLICATING_CHANNELS.includes(details.channel)) {
          // The provider recognises the repeat, so sending again cannot deliver twice.
          return [
            { type: 'DeliveryAttemptFailed', data: { deliveryId: details.deliveryId, attempt: state.attempts, error: 'interrupted', retryAt: now }, metadata },
          ];
        }
        return [{ type: 'DeliveryOutcomeUnknown', data: { deliveryId: details.deliveryId, since: state.attemptStartedAt }, metadata }];
      }
      case 'PostponeDelivery':
        if (state.status === 'none') return notFound();
        if (state.status !== 'pending' || state.nextAttemptAt >= command.data.until) return [];
        return [
          { type: 'DeliveryPostponed', data: { deliveryId: state.details.deliveryId, until: command.data.until, reason: command.data.reason }, metadata },
        ];
      case 'IncludeInDigest':
        if (state.status === 'none') return notFound();
        if (state.status !== 'pending') return [];
        return [
          { type: 'DeliveryIncludedInDigest', data: { deliveryId: state.details.deliveryId, digestDeliveryId: command.data.digestDeliveryId }, metadata },
        ];
      case 'RecordDeliveryReceipt': {
        if (state.status !== 'sent' || state.providerMessageId !== command.data.providerMessageId) return notFound();
        if (state.receipt === 'delivered') return [];
        const receipt: DeliveryReceiptRecorded = {
          type: 'DeliveryReceiptRecorded',
          data: { deliveryId: state.details.deliveryId, status: command.data.status, at: now },
          metadata,
        };
        if (command.data.status === 'delivered') return [receipt];
        // The provider took it but could not hand it over: try the next channel.
        return [
          receipt,
          {
            type: 'DeliveryFailed',
            data: {
              deliveryId: state.details.deliveryId,
              reason: 'The provider could not deliver it',
              failedAt: now,
              fallbackChannel: state.details.fallbackChannels[0] ?? null,
            },
            metadata,
          },
        ];
      }
      case 'CancelDelivery':
        if (state.status === 'none') return notFound();
        if (state.status !== 'pending') return [];
        return [{ type: 'DeliveryCancelled', data: { deliveryId: state.details.deliveryId, at: now, reason: command.data.reason }, metadata }];
      default:
        return assertNever(command, 'delivery command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'DeliveryDecided': {
        const { decidedAt: _decidedAt, ...details } = event.data;
        return { status: 'pending', details, attempts: 0, nextAttemptAt: details.notBefore, lastError: null };
      }
      case 'DeliveryAttemptStarted':
        if (state.status === 'none') return state;
        return { status: 'sending', details: state.details, attempts: event.data.attempt, attemptStartedAt: event.data.startedAt };
      case 'DeliverySent':
        if (state.status === 'none') return state;
        return {
          status: 'sent',
          details: state.details,
          attempts: state.attempts,
          sentAt: event.data.sentAt,
          providerMessageId: event.data.providerMessageId,
          receipt: 'accepted',
        };
      case 'DeliveryAttemptFailed':
        if (state.status === 'none') return state;
        return { status: 'pending', details: state.details, attempts: state.attempts, nextAttemptAt: event.data.retryAt, lastError: event.data.error };
      case 'DeliveryFailed':
        if (state.status === 'none') return state;
        return { status: 'failed', details: state.details, attempts: state.attempts, failedAt: event.data.failedAt, reason: event.data.reason };
      case 'DeliveryOutcomeUnknown':
        if (state.status === 'none') return state;
        return { status: 'unknown', details: state.details, attempts: state.attempts, since: event.data.since };
      case 'DeliveryPostponed':
        return state.status === 'pending' ? { ...state, nextAttemptAt: event.data.until } : state;
      case 'DeliveryIncludedInDigest':
        if (state.status === 'none') return state;
        return { status: 'digested', details: state.details, attempts: state.attempts, digestDeliveryId: event.data.digestDeliveryId };
      case 'DeliveryReceiptRecorded':
        return state.status === 'sent' && event.data.status === 'delivered' ? { ...state, receipt: 'delivered' } : state;
      case 'DeliveryExpired':
        if (state.status === 'none') return state;
        return { status: 'expired', details: state.details, attempts: state.attempts, at: event.data.at, reason: 'expired' };
      case 'DeliveryCancelled':
        if (state.status === 'none') return state;
        return { status: 'cancelled', details: state.details, attempts: state.attempts, at: event.data.at, reason: event.data.reason };
      default:
        return assertNever(event, 'delivery event');
    }
  },
};
