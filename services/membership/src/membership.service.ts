import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import { MemberJoinedV1, PodCreatedV1, RegionCreatedV1 } from '@mutuo/contracts';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { mergeResolvers } from '@mutuo/platform';
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
import { memberSettingsProjection } from './member-settings/member-settings.projection';
import { publishMemberSettingsEvent } from './member-settings/member-settings.publish';
import { memberSettingsResolvers } from './member-settings/member-settings.resolvers';
import { MEMBER_SETTINGS_MIGRATION } from './migrations/member-settings.migration';
import { SIGN_IN_TOKENS_MIGRATION } from './migrations/sign-in-tokens.migration';
import { mountOAuthToken } from './partner-clients/oauth-token.http';
import { partnerClientsProjection } from './partner-clients/partner-clients.projection';
import { partnerClientsResolvers } from './partner-clients/partner-clients.resolvers';
import { signInDirectoryProjection } from './sign-in/sign-in-directory.projection';
import { publishSignInEvent } from './sign-in/sign-in.publish';
import { signInResolvers } from './sign-in/sign-in.resolvers';
import { mountJwks } from './tokens/jwks.http';
import { agreementsProjection } from './agreements/agreements.projection';
import { agreementsResolvers } from './agreements/agreements.resolvers';
import { leavingResolvers } from './leaving/leaving.resolvers';
import { memberAdmissionProjection } from './member-admission/member-admission.projection';
import { memberAdmissionResolvers } from './member-admission/member-admission.resolvers';
import { POD_ADMISSION_MIGRATION } from './migrations/pod-admission.migration';
import { podAdmissionResolvers } from './pod-admission/pod-admission.resolvers';
import { podApplicationsProjection } from './pod-admission/pod-applications.projection';
import { publishPodLifecycleEvent } from './pod-admission/pod-lifecycle.publish';
import { podSettingsProjection } from './pod-settings/pod-settings.projection';
import { podSettingsResolvers } from './pod-settings/pod-settings.resolvers';
import { memberDirectoryResolvers } from './member-directory/member-directory.resolvers';
import { MEMBER_DIRECTORY_MIGRATION } from './migrations/member-directory.migration';
import { MEMBER_DATA_KEYS_MIGRATION } from './migrations/member-data-keys.migration';
import { MATCH_COUNTERPARTS_MIGRATION } from './migrations/match-counterparts.migration';
import { SIGN_IN_WITHOUT_POD_MIGRATION } from './migrations/sign-in-without-pod.migration';
import { SIGN_IN_REQUESTERS_MIGRATION } from './migrations/sign-in-requesters.migration';
import { codeDeliveryKeyOf } from './erasure/code-delivery-key';
import { membershipPersonalDataCodec } from './erasure/personal-data.policy';
import { erasureResolvers } from './erasure/erasure.resolvers';
import { publishMemberFactsEvent } from './member-settings/member-facts.publish';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';

export const membershipService: ServiceDefinition = {
  name: 'membership',
  defaultPort: 4101,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RegionViewSchema, PodViewSchema, MemberViewSchema, ...ROLE_VIEW_ENTITIES],
  migrations: [...MEMBERSHIP_MIGRATIONS, ROLE_TERMS_MIGRATION, MEMBER_SETTINGS_MIGRATION, SIGN_IN_TOKENS_MIGRATION, POD_ADMISSION_MIGRATION, MEMBER_DIRECTORY_MIGRATION,
    MEMBER_DATA_KEYS_MIGRATION, MATCH_COUNTERPARTS_MIGRATION, SIGN_IN_WITHOUT_POD_MIGRATION, SIGN_IN_REQUESTERS_MIGRATION, PERSONAL_DATA_PROTECTION_MIGRATION, IDEMPOTENCY_KEYS_MIGRATION],
  projections: [membershipProjection, roleViewsProjection, memberSettingsProjection, signInDirectoryProjection, partnerClientsProjection,
    podApplicationsProjection, podSettingsProjection, agreementsProjection, memberAdmissionProjection],
  module: MembershipModule,
  // Matches from the matching service (contact reveal between requester and helper).
  consumesEvents: true,
  // The JWKS verifiers fetch and the partner apps' token endpoint: public, outside the gateway.
  mountPublicHttp: (app) => {
    mountJwks(app);
    mountOAuthToken(app);
  },
  resolvers: (app) => mergeResolvers(membershipResolvers(app), rolesResolvers(app), memberSettingsResolvers(app), signInResolvers(app), partnerClientsResolvers(app),
      podAdmissionResolvers(app), podSettingsResolvers(app), agreementsResolvers(app), memberAdmissionResolvers(app), leavingResolvers(app), memberDirectoryResolvers(app), erasureResolvers(app)),
  // Personal fields of member events are sealed with each member's data key, which erasure destroys.
  eventDataCodec: (env, keks) => membershipPersonalDataCodec(codeDeliveryKeyOf(env), keks),
  publish(event, env = process.env) {
    const known = event as unknown as RegionEvent | PodEvent | MemberEvent;
    switch (known.type) {
      case 'RegionCreated':
        return { contract: RegionCreatedV1, data: known.data };
      case 'PodCreated':
        return { contract: PodCreatedV1, data: known.data };
      case 'MemberJoined':
        return { contract: MemberJoinedV1, data: known.data };
      default:
        return (
          publishRoleEvent(event) ??
          publishMemberSettingsEvent(event) ??
          publishSignInEvent(event) ??
          publishPodLifecycleEvent(event) ??
          publishMemberFactsEvent(event, () => codeDeliveryKeyOf(env))
        );
    }
  },
};
