import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { contributionsProjection } from './contributions/contributions.projection';
import { disbursementsProjection } from './disbursements/disbursements.projection';
import { payoutsProjection } from './disbursements/payouts/payouts.projection';
import { FundsModule } from './funds.module';
import { publishFundsEvent } from './funds.publish';
import { fundsResolvers } from './graphql/funds.resolvers';
import { ledgerProjection } from './ledger/ledger.projection';
import { CLEARING_CLOSURE_MIGRATION } from './migrations/clearing-closure.migration';
import { FUNDS_MIGRATIONS } from './migrations/initial-schema.migration';
import { LedgerSchema } from './migrations/ledger.migration';
import { PAYOUTS_MIGRATION } from './migrations/payouts.migration';
import { POD_MEMBERS_MIGRATION } from './migrations/pod-members.migration';
import { roleHoldersProjection } from './pod-roles/role-holders.projection';
import { mountPublicReport } from './transparency/public-report.http';

export const fundsService: ServiceDefinition = {
  name: 'funds',
  defaultPort: 4104,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [],
  migrations: [
    ...FUNDS_MIGRATIONS,
    { name: 'Migration20261126000000_ledger', class: LedgerSchema },
    POD_MEMBERS_MIGRATION,
    IDEMPOTENCY_KEYS_MIGRATION,
    PAYOUTS_MIGRATION,
    CLEARING_CLOSURE_MIGRATION,
  ],
  projections: [ledgerProjection, disbursementsProjection, payoutsProjection, contributionsProjection, roleHoldersProjection],
  module: FundsModule,
  consumesEvents: true,
  // The public transparency report: anyone may read it, without an account.
  mountPublicHttp: mountPublicReport,
  resolvers: fundsResolvers,
  publish: publishFundsEvent,
};
