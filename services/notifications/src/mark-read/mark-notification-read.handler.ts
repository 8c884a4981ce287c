import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { commandMetadataFrom, requirePod, type RequestContext } from '@mutuo/platform';
import { Clock } from '@mutuo/service-kit';
import { notificationDecider, type NotificationCommand, type NotificationEvent, type NotificationState } from '../domain/notification.decider';

/** A member marks one of their own notifications read; anyone else's looks as if it did not exist. */
@Injectable()
export class MarkNotificationReadHandler {
  private readonly commands: CommandHandler<NotificationState, NotificationCommand, NotificationEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, notificationDecider);
  }

  async handle(notificationId: string, ctx: RequestContext): Promise<NotificationState> {
    const { identity, podId } = requirePod(ctx);
    const { state } = await this.commands.handle(this.em.fork(), streamName('notification', podId, notificationId), {
      type: 'MarkNotificationRead',
      data: { notificationId, readerMemberId: memberIdFor(podId, identity.subject) },
      metadata: commandMetadataFrom(ctx, this.clock.now()),
    });
    return state;
  }
}
