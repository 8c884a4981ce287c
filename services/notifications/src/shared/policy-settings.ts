// Session settings with which a query opts in to a row-level security policy that reads across pods.
// The migration that created the policy keeps its own literal copy: a migration is a frozen record.

/** The delivery worker, area broadcasts, phone trees and public routes read deliveries across pods. */
export const NOTIFICATIONS_SCAN_SETTING = 'mutuo.notifications_scan';
export const NOTIFICATIONS_SCAN_VALUE = 'delivery-worker';

/** Inbound texts find whose number wrote (recipients, pods) across pods; no other transaction sees those rows so. */
export const NOTIFICATIONS_INBOUND_SMS_SCAN_VALUE = 'inbound-sms';
