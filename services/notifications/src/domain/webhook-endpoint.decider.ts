import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom } from '@mutuo/domain';

/** A partner app's endpoint for one pod's events. After this many failed deliveries in a row it is disabled. */
export const DISABLE_AFTER_CONSECUTIVE_FAILURES = 5;

export interface WebhookEndpointDetails {
  readonly endpointId: string;
  readonly podId: string;
  readonly url: string;
  /** The HMAC key, shown once to whoever registered it. */
  readonly secret: string;
  /** Integration event types the partner wants; empty means all the pod's notifiable events. */
  readonly eventTypes: readonly string[];
  readonly registeredBy: string;
}

/** A rotated-out secret that still signs, beside the new one, until the partner has switched. */
export interface PreviousWebhookSecret {
  readonly secret: string;
  readonly validUntil: string;
}

export type WebhookEndpointState =
  | { readonly status: 'none' }
  | ({
      readonly status: 'enabled' | 'disabled';
      readonly consecutiveFailures: number;
      readonly lastError: string | null;
      readonly previousSecret: PreviousWebhookSecret | null;
    } & WebhookEndpointDetails);

/** At most a week of two secrets: long enough to deploy a receiver, short enough that a leaked one dies. */
export const MAX_PREVIOUS_SECRET_HOURS = 168;

export type RegisterWebhookEndpoint = Command<'RegisterWebhookEndpoint', WebhookEndpointDetails>;
export type RecordWebhookAttempt = Command<'RecordWebhookAttempt', { endpointId: string; succeeded: boolean; error: string | null }>;
export type EnableWebhookEndpoint = Command<'EnableWebhookEndpoint', { endpointId: string }>;
export type RotateWebhookSecret = Command<'RotateWebhookSecret', { endpointId: string; secret: string; keepPreviousForHours: number }>;
export type WebhookEndpointCommand = RegisterWebhookEndpoint | RecordWebhookAttempt | EnableWebhookEndpoint | RotateWebhookSecret;

export type WebhookEndpointRegistered = DomainEvent<'WebhookEndpointRegistered', WebhookEndpointDetails & { registeredAt: string }>;
export type WebhookAttemptFailed = DomainEvent<'WebhookAttemptFailed', { endpointId: string; consecutiveFailures: number; error: string }>;
export type WebhookAttemptSucceeded = DomainEvent<'WebhookAttemptSucceeded', { endpointId: string }>;
export type WebhookEndpointDisabled = DomainEvent<
  'WebhookEndpointDisabled',
  { endpointId: string; podId: string; host: string; consecutiveFailures: number; lastError: string; disabledAt: string }
>;
export type WebhookEndpointEnabled = DomainEvent<'WebhookEndpointEnabled', { endpointId: string }>;
export type WebhookSecretRotated = DomainEvent<
  'WebhookSecretRotated',
  { endpointId: string; secret: string; previousSecret: PreviousWebhookSecret | null; rotatedBy: string; rotatedAt: string }
>;
export type WebhookEndpointEvent =
  WebhookEndpointRegistered | WebhookAttemptFailed | WebhookAttemptSucceeded | WebhookEndpointDisabled | WebhookEndpointEnabled | WebhookSecretRotated;

/** The secrets a post is signed with now: the current one, and the previous one while it is still valid. */
export function signingSecrets(state: Exclude<WebhookEndpointState, { status: 'none' }>, now: Date): string[] {
  const previous = state.previousSecret;
  return previous && Date.parse(previous.validUntil) > now.getTime() ? [state.secret, previous.secret] : [state.secret];
}

export const webhookEndpointDecider: Decider<WebhookEndpointState, WebhookEndpointCommand, WebhookEndpointEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'RegisterWebhookEndpoint':
        if (state.status !== 'none') return [];
        return [{ type: 'WebhookEndpointRegistered', data: { ...command.data, registeredAt: command.metadata.now }, metadata }];
      case 'RecordWebhookAttempt': {
        if (state.status === 'none') throw new DomainRuleViolation('WEBHOOK_ENDPOINT_NOT_FOUND', 'No such webhook endpoint', 'endpointId');
        if (command.data.succeeded) {
          return state.consecutiveFailures > 0 ? [{ type: 'WebhookAttemptSucceeded', data: { endpointId: state.endpointId }, metadata }] : [];
        }
        if (state.status === 'disabled') return [];
        const consecutiveFailures = state.consecutiveFailures + 1;
        const error = command.data.error ?? 'failed';
        const failed: WebhookEndpointEvent = { type: 'WebhookAttemptFailed', data: { endpointId: state.endpointId, consecutiveFailures, error }, metadata };
        if (consecutiveFailures < DISABLE_AFTER_CONSECUTIVE_FAILURES) return [failed];
        return [
          failed,
          {
            type: 'WebhookEndpointDisabled',
            data: {
              endpointId: state.endpointId,
              podId: state.podId,
              host: new URL(state.url).hostname,
              consecutiveFailures,
              lastError: error.slice(0, 200),
              disabledAt: command.metadata.now,
            },
            metadata,
          },
        ];
      }
      case 'EnableWebhookEndpoint':
        if (state.status === 'none') throw new DomainRuleViolation('WEBHOOK_ENDPOINT_NOT_FOUND', 'No such webhook endpoint', 'endpointId');
        return state.status === 'disabled' ? [{ type: 'WebhookEndpointEnabled', data: { endpointId: state.endpointId }, metadata }] : [];
      case 'RotateWebhookSecret': {
        if (state.status === 'none') throw new DomainRuleViolation('WEBHOOK_ENDPOINT_NOT_FOUND', 'No such webhook endpoint', 'id');
        const hours = command.data.keepPreviousForHours;
        if (!Number.isInteger(hours) || hours < 0 || hours > MAX_PREVIOUS_SECRET_HOURS) {
          throw new DomainRuleViolation(
            'INVALID_ROTATION_WINDOW',
            `Keep the previous secret for 0 to ${MAX_PREVIOUS_SECRET_HOURS} whole hours`,
            'keepPreviousForHours',
          );
        }
        const validUntil = new Date(Date.parse(command.metadata.now) + hours * 3_600_000).toISOString();
        return [
          {
            type: 'WebhookSecretRotated',
            data: {
              endpointId: state.endpointId,
              secret: command.data.secret,
              previousSecret: hours > 0 ? { secret: state.secret, validUntil } : null,
              rotatedBy: command.metadata.actorId,
              rotatedAt: command.metadata.now,
            },
            metadata,
          },
        ];
      }
      default:
        return assertNever(command, 'webhook endpoint command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookEndpointRegistered': {
        const { registeredAt: _registeredAt, ...details } = event.data;
        return { status: 'enabled', consecutiveFailures: 0, lastError: null, previousSecret: null, ...details };
      }
      case 'WebhookAttemptFailed':
        return state.status === 'none' ? state : { ...state, consecutiveFailures: event.data.consecutiveFailures, lastError: event.data.error };
      case 'WebhookAttemptSucceeded':
        return state.status === 'none' ? state : { ...state, consecutiveFailures: 0, lastError: null };
      case 'WebhookEndpointDisabled':
        return state.status === 'none' ? state : { ...state, status: 'disabled' };
      case 'WebhookEndpointEnabled':
        return state.status === 'none' ? state : { ...state, status: 'enabled', consecutiveFailures: 0 };
      case 'WebhookSecretRotated':
        return state.status === 'none' ? state : { ...state, secret: event.data.secret, previousSecret: event.data.previousSecret };
      default:
        return assertNever(event, 'webhook endpoint event');
    }
  },
};
