import { join } from 'node:path';
import { IDEMPOTENCY_KEYS_MIGRATION } from '@mutuo/event-store';
import type { ServiceDefinition } from '@mutuo/service-kit';
import { mergeResolvers } from '@mutuo/platform';
import { membershipResolvers } from './graphql/membership.resolvers';
import { MemberViewSchema } from './shared/member.entity';
import { MembershipModule } from './membership.module';
import { membershipProjection } from './membership.projection';
import { MEMBERSHIP_MIGRATIONS } from './migrations/initial-schema.migration';
import { PodViewSchema } from './pods/pod.entity';
import { RegionViewSchema } from './regions/region.entity';
import { ROLE_TERMS_MIGRATION } from './migrations/role-terms.migration';
import { rolesResolvers } from './roles/roles.resolvers';
import { ROLE_VIEW_ENTITIES } from './shared/role-views.entity';
import { roleViewsProjection } from './roles/role-views.projection';
import { memberSettingsProjection } from './member-settings/member-settings.projection';
import { memberSettingsResolvers } from './member-settings/member-settings.resolvers';
import { MEMBER_SETTINGS_MIGRATION } from './migrations/member-settings.migration';
import { SIGN_IN_TOKENS_MIGRATION } from './migrations/sign-in-tokens.migration';
import { mountOAuthToken } from './sign-in/partner-clients/oauth-token.http';
import { partnerClientsProjection } from './sign-in/partner-clients/partner-clients.projection';
import { partnerClientsResolvers } from './sign-in/partner-clients/partner-clients.resolvers';
import { signInDirectoryProjection } from './sign-in/sign-in-directory.projection';
import { signInResolvers } from './sign-in/sign-in.resolvers';
import { mountJwks } from './sign-in/tokens/jwks.http';
import { agreementsProjection } from './pod-admission/agreements/agreements.projection';
import { agreementsResolvers } from './pod-admission/agreements/agreements.resolvers';
import { leavingResolvers } from './pod-admission/leaving/leaving.resolvers';
import { memberAdmissionProjection } from './pod-admission/member-admission/member-admission.projection';
import { memberAdmissionResolvers } from './pod-admission/member-admission/member-admission.resolvers';
import { POD_ADMISSION_MIGRATION } from './migrations/pod-admission.migration';
import { podAdmissionResolvers } from './pod-admission/pod-admission.resolvers';
import { podApplicationsProjection } from './pod-admission/pod-applications.projection';
import { podSettingsProjection } from './pod-admission/pod-settings/pod-settings.projection';
import { podSettingsResolvers } from './pod-admission/pod-settings/pod-settings.resolvers';
import { memberDirectoryResolvers } from './member-directory/member-directory.resolvers';
import { MEMBER_DIRECTORY_MIGRATION } from './migrations/member-directory.migration';
import { MEMBER_DATA_KEYS_MIGRATION } from './migrations/member-data-keys.migration';
import { MATCH_COUNTERPARTS_MIGRATION } from './migrations/match-counterparts.migration';
import { SIGN_IN_WITHOUT_POD_MIGRATION } from './migrations/sign-in-without-pod.migration';
import { SIGN_IN_REQUESTERS_MIGRATION } from './migrations/sign-in-requesters.migration';
import { codeDeliveryKeyOf } from './pod-admission/erasure/code-delivery-key';
import { membershipPersonalDataCodec } from './pod-admission/erasure/personal-data.policy';
import { erasureResolvers } from './pod-admission/erasure/erasure.resolvers';
import { publishMembershipEvent } from './membership.publish';
import { PERSONAL_DATA_PROTECTION_MIGRATION } from './migrations/personal-data-protection.migration';
import { DECISIONS_MIGRATION } from './migrations/decisions.migration';
import { proposalsProjection } from './decisions/proposals.projection';
import { decisionsResolvers } from './decisions/decisions.resolvers';

export const membershipService: ServiceDefinition = {
  name: 'membership',
  defaultPort: 4101,
  schemaPath: join(__dirname, 'schema.graphql'),
  entities: [RegionViewSchema, PodViewSchema, MemberViewSchema, ...ROLE_VIEW_ENTITIES],
  migrations: [
    ...MEMBERSHIP_MIGRATIONS,
    ROLE_TERMS_MIGRATION,
    MEMBER_SETTINGS_MIGRATION,
    SIGN_IN_TOKENS_MIGRATION,
    POD_ADMISSION_MIGRATION,
    MEMBER_DIRECTORY_MIGRATION,
    MEMBER_DATA_KEYS_MIGRATION,
    MATCH_COUNTERPARTS_MIGRATION,
    SIGN_IN_WITHOUT_POD_MIGRATION,
    SIGN_IN_REQUESTERS_MIGRATION,
    PERSONAL_DATA_PROTECTION_MIGRATION,
    IDEMPOTENCY_KEYS_MIGRATION,
    DECISIONS_MIGRATION,
  ],
  projections: [
    membershipProjection,
    roleViewsProjection,
    memberSettingsProjection,
    signInDirectoryProjection,
    partnerClientsProjection,
    podApplicationsProjection,
    podSettingsProjection,
    agreementsProjection,
    memberAdmissionProjection,
    proposalsProjection,
  ],
  module: MembershipModule,
  // Matches from the matching service (contact reveal between requester and helper).
  consumesEvents: true,
  // The JWKS verifiers fetch and the partner apps' token endpoint: public, outside the gateway.
  mountPublicHttp: (app) => {
    mountJwks(app);
    mountOAuthToken(app);
  },
  resolvers: (app) =>
    mergeResolvers(
      membershipResolvers(app),
      rolesResolvers(app),
      memberSettingsResolvers(app),
      signInResolvers(app),
      partnerClientsResolvers(app),
      podAdmissionResolvers(app),
      podSettingsResolvers(app),
      agreementsResolvers(app),
      memberAdmissionResolvers(app),
      leavingResolvers(app),
      memberDirectoryResolvers(app),
      erasureResolvers(app),
      decisionsResolvers(app),
    ),
  // Personal fields of member events are sealed with each member's data key, which erasure destroys.
  eventDataCodec: (env, keks) => membershipPersonalDataCodec(codeDeliveryKeyOf(env), keks),
  publish: (event, env = process.env) => publishMembershipEvent(event, () => codeDeliveryKeyOf(env)),
};
