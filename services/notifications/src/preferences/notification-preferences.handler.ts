import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import {
  DEFAULT_PREFERENCES,
  notificationPreferencesDecider,
  type NotificationPreferences,
  type NotificationPreferencesSet,
  type NotificationPreferencesState,
  type SetNotificationPreferences,
} from '../domain/notification-preferences.decider';

export const preferencesStream = (podId: string, memberId: string) => streamName('notification-preferences', podId, memberId);

/** A member's own choice of channels, digests, language and plain wording. */
@Injectable()
export class NotificationPreferencesHandler {
  private readonly commands: CommandHandler<NotificationPreferencesState, SetNotificationPreferences, NotificationPreferencesSet>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
  ) {
    this.commands = new CommandHandler(store, notificationPreferencesDecider);
  }

  async set(podId: string, memberId: string, preferences: NotificationPreferences, metadata: CommandMetadata): Promise<NotificationPreferences> {
    const { state } = await this.commands.handle(this.em.fork(), preferencesStream(podId, memberId), {
      type: 'SetNotificationPreferences',
      data: { memberId, preferences },
      metadata,
    });
    return state.status === 'chosen' ? state : DEFAULT_PREFERENCES;
  }

  async get(podId: string, memberId: string): Promise<NotificationPreferences> {
    const { state } = await this.commands.load(this.em.fork(), preferencesStream(podId, memberId));
    return state.status === 'chosen' ? state : DEFAULT_PREFERENCES;
  }
}
