import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName, type StoredEvent } from '@mutuo/event-store';
import {
  webhookEndpointDecider,
  type WebhookEndpointCommand,
  type WebhookEndpointDisabled,
  type WebhookEndpointEvent,
  type WebhookEndpointState,
} from '../domain/webhook-endpoint.decider';
import { partnerEventTypes } from '../domain/partner-event-types';
import { newWebhookSecret } from '../domain/webhook-signature';
import { parseWebhookUrl } from '../domain/webhook-url';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './channels/notifications.config';
import { findRoleHolders } from './recipient-directory';
import { NotificationDispatcher } from './delivery/notification-dispatcher';

export function webhookEndpointStream(podId: string, endpointId: string): string {
  return streamName('webhook-endpoint', podId, endpointId);
}

/** Partner webhook endpoints: registration (URL checked, secret generated), attempts, disabling and re-enabling. */
@Injectable()
export class WebhookEndpointsHandler {
  private readonly commands: CommandHandler<WebhookEndpointState, WebhookEndpointCommand, WebhookEndpointEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
    private readonly dispatcher: NotificationDispatcher,
  ) {
    this.commands = new CommandHandler(store, webhookEndpointDecider);
  }

  /** With an idempotency key, a retry gets the endpoint (and secret) the first call registered. */
  async register(
    podId: string,
    input: { url: string; eventTypes: readonly string[] },
    metadata: CommandMetadata,
    idempotencyKey: string | null = null,
  ): Promise<WebhookEndpointState> {
    const url = parseWebhookUrl(input.url, { allowHttp: this.config.webhookAllowHttp, allowPrivateAddresses: this.config.webhookAllowPrivateAddresses }, 'url');
    const eventTypes = partnerEventTypes(input.eventTypes);
    const { state } = await this.commands.create(
      this.em.fork(),
      { key: idempotencyKey, podId, actorId: metadata.actorId, operation: 'notifications.registerWebhookEndpoint', input },
      (endpointId) => webhookEndpointStream(podId, endpointId),
      (endpointId) => ({
        type: 'RegisterWebhookEndpoint',
        data: { endpointId, podId, url: url.toString(), secret: newWebhookSecret(), eventTypes, registeredBy: metadata.actorId },
        metadata,
      }),
    );
    return state;
  }

  async enable(podId: string, endpointId: string, metadata: CommandMetadata): Promise<WebhookEndpointState> {
    return (
      await this.commands.handle(this.em.fork(), webhookEndpointStream(podId, endpointId), { type: 'EnableWebhookEndpoint', data: { endpointId }, metadata })
    ).state;
  }

  /** A new secret signs from now on; the old one signs beside it for `keepPreviousForHours` (0: stops at once). */
  async rotateSecret(podId: string, endpointId: string, keepPreviousForHours: number, metadata: CommandMetadata): Promise<WebhookEndpointState> {
    const command = { type: 'RotateWebhookSecret' as const, data: { endpointId, secret: newWebhookSecret(), keepPreviousForHours }, metadata };
    return (await this.commands.handle(this.em.fork(), webhookEndpointStream(podId, endpointId), command)).state;
  }

  /** Inside a transaction, pass it: asking the pool for a second connection while holding one can deadlock under load. */
  async load(podId: string, endpointId: string, em: EntityManager = this.em.fork()): Promise<WebhookEndpointState> {
    return (await this.commands.load(em, webhookEndpointStream(podId, endpointId))).state;
  }

  /** Counts an attempt; when the endpoint gets disabled, the pod's coordinators hear of it. */
  async recordAttempt(
    em: EntityManager,
    podId: string,
    endpointId: string,
    succeeded: boolean,
    error: string | null,
    metadata: CommandMetadata,
  ): Promise<void> {
    const { newEvents } = await this.commands.handle(em, webhookEndpointStream(podId, endpointId), {
      type: 'RecordWebhookAttempt',
      data: { endpointId, succeeded, error },
      metadata,
    });
    const disabled = newEvents.find((event): event is StoredEvent & WebhookEndpointDisabled => event.type === 'WebhookEndpointDisabled');
    if (!disabled) return;
    const coordinators = await findRoleHolders(em, podId, ['coordinator', 'dispatcher']);
    await this.dispatcher.notifyMembers(em, { eventId: disabled.eventId, podId, metadata: { ...metadata, causationId: disabled.eventId } }, coordinators, {
      kind: 'webhook-endpoint-disabled',
      subjectId: endpointId,
      params: { host: disabled.data.host, failures: disabled.data.consecutiveFailures },
    });
  }
}
