import { Module } from '@nestjs/common';
import { InboxQueries } from './inbox/inbox.queries';
import { MarkNotificationReadHandler } from './mark-read/mark-notification-read.handler';
import { NotificationRecorder } from './record-notifications/notification-recorder';
import { NotifyRequesterWhenRequestPosted } from './record-notifications/notify-requester-when-request-posted.handler';
import { WelcomeMemberWhenMemberJoined } from './record-notifications/welcome-member-when-member-joined.handler';

@Module({
  controllers: [WelcomeMemberWhenMemberJoined, NotifyRequesterWhenRequestPosted],
  providers: [NotificationRecorder, InboxQueries, MarkNotificationReadHandler],
  exports: [InboxQueries, MarkNotificationReadHandler],
})
export class NotificationsModule {}
