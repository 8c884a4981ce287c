import { join } from 'node:path';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { FundsModule } from './funds.module';
import { fundsResolvers } from './graphql/funds.resolvers';
import { FUNDS_MIGRATIONS } from './migrations/initial-schema.migration';
import { AccountViewSchema } from './pod-accounts/account.entity';
import { podAccountsProjection } from './pod-accounts/pod-accounts.projection';

export const fundsService: ServiceDefinition = {
  name: 'funds',
  defaultPort: 4104,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [AccountViewSchema],
  migrations: FUNDS_MIGRATIONS,
  projections: [podAccountsProjection],
  module: FundsModule,
  consumesEvents: true,
  resolvers: fundsResolvers,
};
