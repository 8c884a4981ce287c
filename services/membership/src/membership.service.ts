import { join } from 'node:path';
import { MemberJoinedV1, PodCreatedV1, RegionCreatedV1 } from '@mutuo/contracts';
import type { ServiceDefinition } from '@mutuo/service-kit';
import type { MemberEvent } from './domain/member.decider';
import type { PodEvent } from './domain/pod.decider';
import type { RegionEvent } from './domain/region.decider';
import { membershipResolvers } from './graphql/membership.resolvers';
import { MemberViewSchema } from './members/member.entity';
import { MembershipModule } from './membership.module';
import { membershipProjection } from './membership.projection';
import { MEMBERSHIP_MIGRATIONS } from './migrations/initial-schema.migration';
import { PodViewSchema } from './pods/pod.entity';
import { RegionViewSchema } from './regions/region.entity';

export const membershipService: ServiceDefinition = {
  name: 'membership',
  defaultPort: 4101,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RegionViewSchema, PodViewSchema, MemberViewSchema],
  migrations: MEMBERSHIP_MIGRATIONS,
  projections: [membershipProjection],
  module: MembershipModule,
  consumesEvents: false,
  resolvers: membershipResolvers,
  publish(event) {
    const known = event as unknown as RegionEvent | PodEvent | MemberEvent;
    switch (known.type) {
      case 'RegionCreated':
        return { contract: RegionCreatedV1, data: known.data };
      case 'PodCreated':
        return { contract: PodCreatedV1, data: known.data };
      case 'MemberJoined':
        return { contract: MemberJoinedV1, data: known.data };
      default:
        return null;
    }
  },
};
