import { join } from 'node:path';
import {
  BudgetExceededV1,
  ContributionRecordedV1,
  DisbursementApprovedV1,
  DisbursementPaidV1,
  DisbursementProposedV1,
  DisbursementRejectedV1,
  TransferPostedV1,
} from '@mutuo/contracts';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { contributionsProjection } from './contributions/contributions.projection';
import { disbursementsProjection } from './disbursements/disbursements.projection';
import type { ContributionEvent } from './domain/contribution.decider';
import type { DisbursementEvent } from './domain/disbursement.decider';
import type { TransferEvent } from './domain/transfer.decider';
import { FundsModule } from './funds.module';
import { fundsResolvers } from './graphql/funds.resolvers';
import { ledgerProjection } from './ledger/ledger.projection';
import { FUNDS_MIGRATIONS } from './migrations/initial-schema.migration';
import { LedgerSchema } from './migrations/ledger.migration';
import { POD_MEMBERS_MIGRATION } from './migrations/pod-members.migration';
import { roleHoldersProjection } from './pod-roles/role-holders.projection';
import { mountPublicReport } from './transparency/public-report.http';

export const fundsService: ServiceDefinition = {
  name: 'funds',
  defaultPort: 4104,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [],
  migrations: [...FUNDS_MIGRATIONS, { name: 'Migration20261126000000_ledger', class: LedgerSchema }, POD_MEMBERS_MIGRATION, IDEMPOTENCY_KEYS_MIGRATION],
  projections: [ledgerProjection, disbursementsProjection, contributionsProjection, roleHoldersProjection],
  module: FundsModule,
  consumesEvents: true,
  // The public transparency report: anyone may read it, without an account.
  mountPublicHttp: mountPublicReport,
  resolvers: fundsResolvers,
  publish(event) {
    const known = event as unknown as TransferEvent | DisbursementEvent | ContributionEvent;
    switch (known.type) {
      case 'TransferPosted': {
        const { sourceId: _sourceId, category: _category, ...data } = known.data;
        return { contract: TransferPostedV1, data };
      }
      case 'DisbursementProposed': {
        const { reasonTextId: _reason, emergency: _emergency, month: _month, budgetMinor: _budget, committedMinor: _committed, ...data } = known.data;
        return { contract: DisbursementProposedV1, data };
      }
      case 'DisbursementApproved':
        return { contract: DisbursementApprovedV1, data: known.data };
      case 'DisbursementRejected': {
        const { reasonTextId: _reason, ...data } = known.data;
        return { contract: DisbursementRejectedV1, data };
      }
      case 'DisbursementPaid':
        return { contract: DisbursementPaidV1, data: known.data };
      case 'BudgetExceeded':
        return { contract: BudgetExceededV1, data: known.data };
      case 'ContributionRecorded': {
        const d = known.data;
        return {
          contract: ContributionRecordedV1,
          data: {
            contributionId: d.contributionId,
            podId: d.podId,
            currency: d.currency,
            amountMinor: d.amountMinor,
            feeMinor: d.feeMinor,
            sourceKind: d.sourceKind,
            method: d.method,
            anonymous: d.anonymous,
            transferId: d.transferId,
            feeTransferId: d.feeTransferId,
            recordedAt: d.recordedAt,
          },
        };
      }
      default:
        return null;
    }
  },
};
