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
import { ROLE_TERMS_MIGRATION } from './migrations/role-terms.migration';
import { publishRoleEvent } from './roles/roles.publish';
import { rolesResolvers } from './roles/roles.resolvers';
import { ROLE_VIEW_ENTITIES } from './roles/role-views.entity';
import { roleViewsProjection } from './roles/role-views.projection';
import { mergeResolvers } from './graphql/merge-resolvers';
import { memberSettingsProjection } from './member-settings/member-settings.projection';
import { publishMemberSettingsEvent } from './member-settings/member-settings.publish';
import { memberSettingsResolvers } from './member-settings/member-settings.resolvers';
import { MEMBER_SETTINGS_MIGRATION } from './migrations/member-settings.migration';

export const membershipService: ServiceDefinition = {
  name: 'membership',
  defaultPort: 4101,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RegionViewSchema, PodViewSchema, MemberViewSchema, ...ROLE_VIEW_ENTITIES],
  migrations: [...MEMBERSHIP_MIGRATIONS, ROLE_TERMS_MIGRATION, MEMBER_SETTINGS_MIGRATION],
  projections: [membershipProjection, roleViewsProjection, memberSettingsProjection],
  module: MembershipModule,
  consumesEvents: false,
  resolvers: (app) => mergeResolvers(membershipResolvers(app), rolesResolvers(app), memberSettingsResolvers(app)),
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
        return publishRoleEvent(event) ?? publishMemberSettingsEvent(event);
    }
  },
};
