import { Module } from '@nestjs/common';
import { AlertAreaWhenIncidentDeclared } from './area-alerts/alert-area-when-incident-declared.handler';
import { AreaBroadcaster } from './area-alerts/area-broadcaster';
import { EmailChannel } from './shared/channels/email.channel';
import { NOTIFICATIONS_CONFIG, notificationsConfigFrom } from './shared/channels/notifications.config';
import { SmsChannel } from './shared/channels/sms.channel';
import { systemHostResolver, WEBHOOK_HOST_RESOLVER, WebhookChannel } from './shared/channels/webhook.channel';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { DeliveryCommands } from './shared/delivery/delivery-commands';
import { DeliveryHistoryQueries } from './shared/delivery/delivery-history.queries';
import { DeliveryWorker, WORKER_STEPS } from './shared/delivery/delivery.worker';
import { WorkerConnections } from './shared/delivery/worker-connections';
import { ChannelSender } from './shared/delivery/channel-sender';
import { DeliveryClaims } from './shared/delivery/delivery-claims';
import { DigestCollector } from './shared/delivery/digest-collector';
import { OutcomeRecorder } from './shared/delivery/outcome-recorder';
import { DeliveryMetrics } from './shared/delivery/delivery-metrics';
import { SendHolds } from './shared/delivery/send-holds.policy';
import { SendsInFlight } from './shared/delivery/sends-in-flight';
import { SingleDeliveryAttempt } from './shared/delivery/single-delivery-attempt';
import { WorkerTransactions } from './shared/delivery/worker-transactions';
import { FreshDeliveries } from './shared/delivery/fresh-deliveries';
import { NotificationDispatcher } from './shared/delivery/notification-dispatcher';
import { InboxQueries } from './inbox/inbox.queries';
import { MarkNotificationReadHandler } from './mark-read/mark-notification-read.handler';
import { PhoneTreeHandler } from './shared/phone-tree.handler';
import { NotificationPreferencesHandler } from './preferences/notification-preferences.handler';
import { ForgetMemberWhenMemberErased } from './privacy/forget-member-when-member-erased.handler';
import { NotifyRequesterWhenRequestPosted } from './record-notifications/notify-requester-when-request-posted.handler';
import { RemindHolderWhenRoleTermEnding } from './record-notifications/remind-holder-when-role-term-ending.handler';
import { TellBothWhenMatchMade } from './record-notifications/tell-both-when-match-made.handler';
import { TellHelperWhenSuggested } from './record-notifications/tell-helper-when-suggested.handler';
import { TellOtherSideWhenMatchWithdrawn } from './record-notifications/tell-other-side-when-match-withdrawn.handler';
import { AskTreasurersWhenDisbursementProposed } from './record-notifications/ask-treasurers-when-disbursement-proposed.handler';
import { TellMembersWhenProposalOpens } from './record-notifications/tell-members-when-proposal-opens.handler';
import { ThankHelpersWhenRequestFulfilled } from './record-notifications/thank-helpers-when-request-fulfilled.handler';
import { WelcomeMemberWhenMemberJoined } from './record-notifications/welcome-member-when-member-joined.handler';
import { RememberBoundariesWhenBoundariesChanged } from './recipients/remember-boundaries-when-boundaries-changed.handler';
import { RememberContactsWhenContactsChanged } from './recipients/remember-contacts-when-contacts-changed.handler';
import { RememberLeavingWhenMemberLeft } from './recipients/remember-leaving-when-member-left.handler';
import { RememberPodsAndRoles } from './recipients/remember-pods-and-roles.handler';
import { RememberProfileWhenProfileChanged } from './recipients/remember-profile-when-profile-changed.handler';
import { DeliverSignInCodeWhenRequested } from './sign-in-codes/deliver-sign-in-code-when-requested.handler';
import { InboundSmsHandler } from './inbound-sms/inbound-sms.handler';
import { WebhookEndpointsHandler } from './shared/webhook-endpoints.handler';

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
  InboundSmsHandler,
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
    TellMembersWhenProposalOpens,
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
    {
      provide: WORKER_STEPS,
      useFactory: (trees: PhoneTreeHandler, broadcaster: AreaBroadcaster) => [trees, broadcaster],
      inject: [PhoneTreeHandler, AreaBroadcaster],
    },
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
    DeliveryMetrics,
    SingleDeliveryAttempt,
    DeliveryClaims,
    DigestCollector,
    FreshDeliveries,
    NotificationDispatcher,
    WebhookEndpointsHandler,
    PhoneTreeHandler,
    InboundSmsHandler,
    AreaBroadcaster,
    EmailChannel,
    SmsChannel,
    WebhookChannel,
    { provide: WEBHOOK_HOST_RESOLVER, useValue: systemHostResolver },
  ],
  exports: exported,
})
export class NotificationsModule {}
