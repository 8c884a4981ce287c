import type { INestApplication } from '@nestjs/common';
import { forbidden, requirePod, type SubgraphContext } from '@mutuo/platform';
import { toGraphQLEnum } from '@mutuo/service-kit';
import type { AccountView } from '../pod-accounts/account.entity';
import { PodAccountsQueries } from '../pod-accounts/pod-accounts.queries';

export function fundsResolvers(app: INestApplication) {
  const accounts = app.get(PodAccountsQueries);

  return {
    Pod: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      // Members see their own pod's accounts; the public transparency report comes with the funds issue.
      accounts: (pod: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const { identity, podId } = requirePod(ctx);
        // No partner scope covers the pod's money.
        if (identity.clientId !== undefined) throw forbidden('Partner clients may not read pod accounts');
        return podId === pod.id ? accounts.forPod(podId) : [];
      },
    },
    Account: {
      kind: (account: AccountView) => toGraphQLEnum(account.kind),
      balanceMinor: (account: AccountView) => Number(account.balanceMinor),
      floorMinor: (account: AccountView) => Number(account.floorMinor),
      openedAt: (account: AccountView) => account.openedAt.toISOString(),
    },
  };
}
