import { uuidV5 } from '@mutuo/contracts';
import type { LedgerAccount } from '../domain/ledger-account.decider';
import { HOUR } from '../domain/money';

const ACCOUNT_ID_NAMESPACE = '0b7e6c1a-4d2f-4e8b-a3c5-9f1d2e3b4a56';
const TRANSFER_ID_NAMESPACE = '6f0d3f0e-8a57-4c61-9d0b-2b7a3f51c2e4';

/**
 * Account ids derive from what the account is for (pod, kind, unit, member or other pod), so hearing of the same
 * thing twice, or from two places at once, can never open a second account.
 */
function accountId(podId: string, kind: string, unit: string, qualifier = ''): string {
  return uuidV5(`${podId}:${kind}:${unit}:${qualifier}`, ACCOUNT_ID_NAMESPACE);
}

/** The skeleton's id for the community pool; kept so pools opened before the ledger stay the same account. */
export function communityPoolAccountId(podId: string): string {
  return uuidV5(`${podId}:community-time-pool`, ACCOUNT_ID_NAMESPACE);
}

export const podAccounts = {
  treasury: (podId: string, currency: string): LedgerAccount => ({
    accountId: accountId(podId, 'treasury', currency),
    podId,
    kind: 'treasury',
    unit: currency,
    floorMinor: 0,
    memberId: null,
    counterpartyPodId: null,
  }),
  donations: (podId: string, currency: string): LedgerAccount => ({
    accountId: accountId(podId, 'external-source', currency),
    podId,
    kind: 'external-source',
    unit: currency,
    floorMinor: null,
    memberId: null,
    counterpartyPodId: null,
  }),
  payouts: (podId: string, currency: string): LedgerAccount => ({
    accountId: accountId(podId, 'external-sink', currency),
    podId,
    kind: 'external-sink',
    unit: currency,
    floorMinor: 0,
    memberId: null,
    counterpartyPodId: null,
  }),
  fees: (podId: string, currency: string): LedgerAccount => ({
    accountId: accountId(podId, 'fees', currency),
    podId,
    kind: 'fees',
    unit: currency,
    floorMinor: 0,
    memberId: null,
    counterpartyPodId: null,
  }),
  communityPool: (podId: string): LedgerAccount => ({
    accountId: communityPoolAccountId(podId),
    podId,
    kind: 'community-time-pool',
    unit: HOUR,
    floorMinor: 0,
    memberId: null,
    counterpartyPodId: null,
  }),
  /** `creditLimitMinutes`: the pod's limit when the account is opened. */
  memberTime: (podId: string, memberId: string, creditLimitMinutes: number): LedgerAccount => ({
    accountId: accountId(podId, 'member-time', HOUR, memberId),
    podId,
    kind: 'member-time',
    unit: HOUR,
    floorMinor: creditLimitMinutes === 0 ? 0 : -creditLimitMinutes,
    memberId,
    counterpartyPodId: null,
  }),
  clearing: (podId: string, counterpartyPodId: string): LedgerAccount => ({
    accountId: accountId(podId, 'clearing', HOUR, counterpartyPodId),
    podId,
    kind: 'clearing',
    unit: HOUR,
    floorMinor: null,
    memberId: null,
    counterpartyPodId,
  }),
  /** What this pod and the other pod owed each other in hours when one of them left the region they shared. */
  settledClearing: (podId: string, counterpartyPodId: string): LedgerAccount => ({
    accountId: accountId(podId, 'settled-clearing', HOUR, counterpartyPodId),
    podId,
    kind: 'settled-clearing',
    unit: HOUR,
    floorMinor: null,
    memberId: null,
    counterpartyPodId,
  }),
};

/** A transfer id derived from what it is for (a contribution's fee, a fulfilment's leg), so redeliveries post once. */
export function derivedTransferId(purpose: string): string {
  return uuidV5(purpose, TRANSFER_ID_NAMESPACE);
}
