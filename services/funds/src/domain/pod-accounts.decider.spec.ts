import { spec } from '@mutuo/domain';
import { podAccountsDecider, type OpenPodAccounts, type PodAccountOpened } from './pod-accounts.decider';

const metadata = { now: '2026-11-25T09:00:01.000Z', actorId: 'system:funds', podId: 'pod-1' };
const open: OpenPodAccounts = { type: 'OpenPodAccounts', data: { podId: 'pod-1', communityPoolAccountId: 'acc-1' }, metadata };
const opened: PodAccountOpened = {
  type: 'PodAccountOpened',
  data: { podId: 'pod-1', accountId: 'acc-1', kind: 'community-time-pool', unit: 'HOUR', floorMinor: 0, openedAt: metadata.now },
  metadata: { occurredAt: metadata.now, actorId: 'system:funds', podId: 'pod-1' },
};

describe('pod accounts', () => {
  it('given a new pod, when its accounts are opened, then it gets a community time pool that cannot go below zero', () => {
    spec(podAccountsDecider).given([]).when(open).then([opened]);
  });

  it('given open accounts, when the pod is heard of again, then nothing is opened twice', () => {
    spec(podAccountsDecider).given([opened]).when(open).then([]);
    expect(spec(podAccountsDecider).given([opened]).state()).toEqual({
      status: 'open',
      podId: 'pod-1',
      accounts: [{ accountId: 'acc-1', kind: 'community-time-pool', unit: 'HOUR', floorMinor: 0 }],
    });
  });
});
