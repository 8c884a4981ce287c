import { Command, Decider, DomainEvent, assertNever, eventMetadataFrom } from '@mutuo/domain';

/**
 * The accounts every pod starts with. The funds issue brings transfers and the full ledger; here a new
 * pod gets its community time pool (unit HOUR, integer minutes) so hours have somewhere to go.
 */
export type AccountKind = 'community-time-pool';

export interface OpenedAccount {
  accountId: string;
  kind: AccountKind;
  unit: 'HOUR';
  /** Lowest balance allowed, in minutes. */
  floorMinor: number;
}

export type PodAccountsState = { status: 'none' } | { status: 'open'; podId: string; accounts: OpenedAccount[] };

export type OpenPodAccounts = Command<'OpenPodAccounts', { podId: string; communityPoolAccountId: string }>;
export type PodAccountsCommand = OpenPodAccounts;

export type PodAccountOpened = DomainEvent<'PodAccountOpened', { podId: string; openedAt: string } & OpenedAccount>;
export type PodAccountsEvent = PodAccountOpened;

export const podAccountsDecider: Decider<PodAccountsState, PodAccountsCommand, PodAccountsEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    switch (command.type) {
      case 'OpenPodAccounts':
        // A pod's accounts are opened once, however often the pod's creation is heard of.
        if (state.status === 'open') return [];
        return [
          {
            type: 'PodAccountOpened',
            data: {
              podId: command.data.podId,
              accountId: command.data.communityPoolAccountId,
              kind: 'community-time-pool',
              unit: 'HOUR',
              floorMinor: 0,
              openedAt: command.metadata.now,
            },
            metadata: eventMetadataFrom(command.metadata),
          },
        ];
      default:
        return assertNever(command.type, 'pod accounts command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PodAccountOpened': {
        const { podId, openedAt: _openedAt, ...account } = event.data;
        const accounts = state.status === 'open' ? state.accounts : [];
        return { status: 'open', podId, accounts: [...accounts, account] };
      }
      default:
        return assertNever(event.type, 'pod accounts event');
    }
  },
};
