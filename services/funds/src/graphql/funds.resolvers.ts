import type { INestApplication } from '@nestjs/common';
import { mergeResolvers, type SubgraphContext } from '@mutuo/platform';
import { clearingResolvers } from '../clearing/clearing.resolvers';
import { contributionsResolvers } from '../contributions/contributions.resolvers';
import { disbursementsResolvers } from '../disbursements/disbursements.resolvers';
import { fundsPolicyResolvers } from '../funds-policy/funds-policy.resolvers';
import { ledgerResolvers } from '../ledger/ledger.resolvers';
import { timeBankResolvers } from '../time-bank/time-bank.resolvers';
import { transparencyResolvers } from '../transparency/transparency.resolvers';

/** The service's resolvers: each use case's part, merged. */
export function fundsResolvers(app: INestApplication) {
  return mergeResolvers<SubgraphContext>(
    ledgerResolvers(app),
    disbursementsResolvers(app),
    contributionsResolvers(app),
    fundsPolicyResolvers(app),
    transparencyResolvers(app),
    clearingResolvers(app),
    timeBankResolvers(app),
  );
}
