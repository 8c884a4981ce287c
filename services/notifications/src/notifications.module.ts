import { Module } from '@nestjs/common';
import { AlertAreaWhenIncidentDeclared } from './area-alerts/alert-area-when-incident-declared.handler';
import { AreaBroadcaster } from './area-alerts/area-broadcaster';
import { EmailChannel } from './channels/email.channel';
import { NOTIFICATIONS_CONFIG, notificationsConfigFrom } from './channels/notifications.config';
import { SmsChannel } from './channels/sms.channel';
import { systemHostResolver, WEBHOOK_HOST_RESOLVER, WebhookChannel } from './channels/webhook.channel';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { DeliveryCommands } from './deliveries/delivery-commands';
import { DeliveryHistoryQueries } from './deliveries/delivery-history.queries';
import { DeliveryWorker, WORKER_STEPS } from './deliveries/delivery.worker';
import { WorkerConnections } from './deliveries/worker-connections';
import { ChannelSender } from './deliveries/channel-sender';
import { DeliveryClaims } from './deliveries/delivery-claims';
import { DigestCollector } from './deliveries/digest-collector';
import { OutcomeRecorder } from './deliveries/outcome-recorder';
import { SendHolds } from './deliveries/send-holds.policy';
import { SendsInFlight } from './deliveries/sends-in-flight';
import { SingleDeliveryAttempt } from './deliveries/single-delivery-attempt';
import { WorkerTransactions } from './deliveries/worker-transactions';
import { FreshDeliveries } from './deliveries/fresh-deliveries';
import { NotificationDispatcher } from './deliveries/notification-dispatcher';
import { InboxQueries } from './inbox/inbox.queries';
import { MarkNotificationReadHandler } from './mark-read/mark-notification-read.handler';
import { PhoneTreeHandler } from './phone-tree/phone-tree.handler';
import { NotificationPreferencesHandler } from './preferences/notification-preferences.handler';
import { ForgetMemberWhenMemberErased } from './privacy/forget-member-when-member-erased.handler';
import { NotifyRequesterWhenRequestPosted } from './record-notifications/notify-requester-when-request-posted.handler';
import { RemindHolderWhenRoleTermEnding } from './record-notifications/remind-holder-when-role-term-ending.handler';
import { TellBothWhenMatchMade } from './record-notifications/tell-both-when-match-made.handler';
import { TellHelperWhenSuggested } from './record-notifications/tell-helper-when-suggested.handler';
import { TellOtherSideWhenMatchWithdrawn } from './record-notifications/tell-other-side-when-match-withdrawn.handler';
import { AskTreasurersWhenDisbursementProposed } from './record-notifications/ask-treasurers-when-disbursement-proposed.handler';
import { ThankHelpersWhenRequestFulfilled } from './record-notifications/thank-helpers-when-request-fulfilled.handler';
import { WelcomeMemberWhenMemberJoined } from './record-notifications/welcome-member-when-member-joined.handler';
import { RememberBoundariesWhenBoundariesChanged } from './recipients/remember-boundaries-when-boundaries-changed.handler';
import { RememberContactsWhenContactsChanged } from './recipients/remember-contacts-when-contacts-changed.handler';
import { RememberLeavingWhenMemberLeft } from './recipients/remember-leaving-when-member-left.handler';
import { RememberPodsAndRoles } from './recipients/remember-pods-and-roles.handler';
import { RememberProfileWhenProfileChanged } from './recipients/remember-profile-when-profile-changed.handler';
import { DeliverSignInCodeWhenRequested } from './sign-in-codes/deliver-sign-in-code-when-requested.handler';
import { WebhookEndpointsHandler } from './webhooks/webhook-endpoints.handler';

const exported = [
  InboxQueries,
  MarkNotificationReadHandler,
  NotificationPreferencesHandler,
  DeliveryHistoryQueries,
  DeliveryCommands,
  DeliveryWorker,
  NotificationDispatcher,
  WebhookEndpointsHandler,
  PhoneTreeHandler,
  AreaBroadcaster,
  EmailChannel,
  SmsChannel,
  NOTIFICATIONS_CONFIG,
];

@Module({
  controllers: [
    WelcomeMemberWhenMemberJoined,
    NotifyRequesterWhenRequestPosted,
    TellBothWhenMatchMade,
    TellHelperWhenSuggested,
    TellOtherSideWhenMatchWithdrawn,
    AskTreasurersWhenDisbursementProposed,
    ThankHelpersWhenRequestFulfilled,
    RemindHolderWhenRoleTermEnding,
    AlertAreaWhenIncidentDeclared,
    DeliverSignInCodeWhenRequested,
    RememberContactsWhenContactsChanged,
    RememberProfileWhenProfileChanged,
    RememberBoundariesWhenBoundariesChanged,
    RememberPodsAndRoles,
    RememberLeavingWhenMemberLeft,
    ForgetMemberWhenMemberErased,
  ],
  providers: [
    optionsFromEnvironment(NOTIFICATIONS_CONFIG, notificationsConfigFrom),
    { provide: WORKER_STEPS, useFactory: (trees: PhoneTreeHandler, broadcaster: AreaBroadcaster) => [trees, broadcaster], inject: [PhoneTreeHandler, AreaBroadcaster] },
    InboxQueries,
    MarkNotificationReadHandler,
    NotificationPreferencesHandler,
    DeliveryHistoryQueries,
    DeliveryCommands,
    DeliveryWorker,
    WorkerConnections,
    WorkerTransactions,
    SendsInFlight,
    SendHolds,
    ChannelSender,
    OutcomeRecorder,
    SingleDeliveryAttempt,
    DeliveryClaims,
    DigestCollector,
    FreshDeliveries,
    NotificationDispatcher,
    WebhookEndpointsHandler,
    PhoneTreeHandler,
    AreaBroadcaster,
    EmailChannel,
    SmsChannel,
    WebhookChannel,
    { provide: WEBHOOK_HOST_RESOLVER, useValue: systemHostResolver },
  ],
  exports: exported,
})
export class NotificationsModule {}
