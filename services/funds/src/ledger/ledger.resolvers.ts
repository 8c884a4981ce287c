import type { INestApplication } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { forbidden, type SubgraphContext } from '@mutuo/platform';
import { Clock, toGraphQLEnum } from '@mutuo/service-kit';
import { fundsCaller } from '../funds.caller';
import { checkUuid } from '../funds.input';
import { PodRoles } from '../shared/pod-roles.repository';
import { iso, memberRef, podOf, transferView } from '../shared/funds-views';
import { derivedTransferId } from '../shared/account-ids';
import { LedgerQueries, type AccountRow, type TransferRow } from '../shared/ledger.queries';
import { Ledger } from '../shared/ledger.service';
import type { Resolvers } from '../graphql/schema.types';

function accountView(account: AccountRow, former: ReadonlySet<string>) {
  return {
    id: account.id,
    kind: toGraphQLEnum(account.kind),
    unit: account.unit,
    balanceMinor: Number(account.balance_minor),
    floorMinor: account.floor_minor === null ? null : Number(account.floor_minor),
    debitsMinor: Number(account.debits_minor),
    creditsMinor: Number(account.credits_minor),
    member: account.member_id ? memberRef(account.member_id, former) : null,
    counterpartyPodId: account.counterparty_pod_id,
    openedAt: iso(account.opened_at),
  };
}

export function ledgerResolvers(app: INestApplication) {
  const em = app.get(EntityManager);
  const clock = app.get(Clock);
  const ledger = app.get(Ledger);
  const ledgerQueries = app.get(LedgerQueries);
  const roles = app.get(PodRoles);

  return {
    Pod: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      accounts: async (pod: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        if (podId !== pod.id) return [];
        const former = await ledgerQueries.formerMembers(podId);
        return (await ledgerQueries.accounts(podId)).map((account) => accountView(account, former));
      },
    },
    Request: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      hoursGivenMinutes: async (request: { id: string }, _: unknown, ctx: SubgraphContext) => {
        const rows = await ledgerQueries.transfersForRequest(podOf(ctx), request.id);
        // Time credited to helpers: exchanges plus the helper-side clearing legs, minus their reversals.
        const credited = (row: TransferRow) => row.unit === 'HOUR' && (row.kind === 'time-exchange' || row.kind === 'clearing');
        const originals = new Map(rows.map((row) => [row.id, row]));
        return rows.reduce((sum, row) => {
          if (credited(row)) return sum + Number(row.amount_minor);
          const original = row.reverses_transfer_id ? originals.get(row.reverses_transfer_id) : undefined;
          return original && credited(original) ? sum - Number(row.amount_minor) : sum;
        }, 0);
      },
      timeTransfers: async (request: { id: string }, _: unknown, ctx: SubgraphContext) =>
        (await ledgerQueries.transfersForRequest(podOf(ctx), request.id)).filter((row) => row.unit === 'HOUR').map(transferView),
    },
    Query: {
      fundsAccount: async (_: unknown, args: { id: string }, ctx: SubgraphContext) => {
        const podId = podOf(ctx);
        const account = await ledgerQueries.account(podId, checkUuid(args.id, 'id'));
        return account ? accountView(account, await ledgerQueries.formerMembers(podId)) : null;
      },
      transfers: async (_: unknown, args: { accountId?: string | null; first?: number | null; after?: string | null }, ctx: SubgraphContext) => {
        const page = await ledgerQueries.transfers(podOf(ctx), { ...args, accountId: args.accountId ? checkUuid(args.accountId, 'accountId') : null });
        return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: transferView(edge.node) })) };
      },
    },
    Mutation: {
      reverseTransfer: async (_: unknown, args: { input: { transferId: string; reversalTransferId?: string | null } }, ctx: SubgraphContext) => {
        const caller = await fundsCaller(em.fork(), roles, ctx, clock.now());
        if (!caller.coordinator && !caller.treasurer) throw forbidden('Only coordinators and treasurers reverse transfers');
        const transferId = checkUuid(args.input.transferId, 'transferId');
        const reversalTransferId = args.input.reversalTransferId
          ? checkUuid(args.input.reversalTransferId, 'reversalTransferId')
          : derivedTransferId(`reversal:${caller.podId}:${transferId}`);
        return transferView(await ledger.reverse(em.fork(), { podId: caller.podId, transferId, reversalTransferId }, caller.metadata));
      },
    },
  } satisfies Resolvers;
}
