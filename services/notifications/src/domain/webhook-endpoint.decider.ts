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

export type WebhookEndpointState =
  | { readonly status: 'none' }
  | ({ readonly status: 'enabled' | 'disabled'; readonly consecutiveFailures: number; readonly lastError: string | null } & WebhookEndpointDetails);

export type RegisterWebhookEndpoint = Command<'RegisterWebhookEndpoint', WebhookEndpointDetails>;
export type RecordWebhookAttempt = Command<'RecordWebhookAttempt', { endpointId: string; succeeded: boolean; error: string | null }>;
export type EnableWebhookEndpoint = Command<'EnableWebhookEndpoint', { endpointId: string }>;
export type WebhookEndpointCommand = RegisterWebhookEndpoint | RecordWebhookAttempt | EnableWebhookEndpoint;

export type WebhookEndpointRegistered = DomainEvent<'WebhookEndpointRegistered', WebhookEndpointDetails & { registeredAt: string }>;
export type WebhookAttemptFailed = DomainEvent<'WebhookAttemptFailed', { endpointId: string; consecutiveFailures: number; error: string }>;
export type WebhookAttemptSucceeded = DomainEvent<'WebhookAttemptSucceeded', { endpointId: string }>;
export type WebhookEndpointDisabled = DomainEvent<
  'WebhookEndpointDisabled',
  { endpointId: string; podId: string; host: string; consecutiveFailures: number; lastError: string; disabledAt: string }
>;
export type WebhookEndpointEnabled = DomainEvent<'WebhookEndpointEnabled', { endpointId: string }>;
export type WebhookEndpointEvent =
  WebhookEndpointRegistered | WebhookAttemptFailed | WebhookAttemptSucceeded | WebhookEndpointDisabled | WebhookEndpointEnabled;

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
      default:
        return assertNever(command, 'webhook endpoint command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookEndpointRegistered': {
        const { registeredAt: _registeredAt, ...details } = event.data;
        return { status: 'enabled', consecutiveFailures: 0, lastError: null, ...details };
      }
      case 'WebhookAttemptFailed':
        return state.status === 'none' ? state : { ...state, consecutiveFailures: event.data.consecutiveFailures, lastError: event.data.error };
      case 'WebhookAttemptSucceeded':
        return state.status === 'none' ? state : { ...state, consecutiveFailures: 0, lastError: null };
      case 'WebhookEndpointDisabled':
        return state.status === 'none' ? state : { ...state, status: 'disabled' };
      case 'WebhookEndpointEnabled':
        return state.status === 'none' ? state : { ...state, status: 'enabled', consecutiveFailures: 0 };
      default:
        return assertNever(event, 'webhook endpoint event');
    }
  },
};
