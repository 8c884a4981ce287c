import { Module } from '@nestjs/common';
import { PartnerClientsModule } from './sign-in/partner-clients/partner-clients.module';
import { SignInModule } from './sign-in/sign-in.module';
import { CreatePodHandler } from './create-pod/create-pod.handler';
import { CreateRegionHandler } from './create-region/create-region.handler';
import { JoinPodHandler } from './pod-admission/join-pod/join-pod.handler';
import { MemberQueries } from './shared/member.queries';
import { MemberDirectoryQueries } from './member-directory/member-directory.queries';
import { PodQueries } from './pods/pod.queries';
import { RegionQueries } from './regions/region.queries';
import { MemberSettingsModule } from './member-settings/member-settings.module';
import { RolesModule } from './roles/roles.module';
import { PodAdmissionModule } from './pod-admission/pod-admission.module';
import { DecisionsModule } from './decisions/decisions.module';
import { HideContactsWhenMatchWithdrawn, RevealContactsWhenMatchMade } from './contact-reveal/reveal-contacts-when-match-made.handler';

const providers = [CreateRegionHandler, CreatePodHandler, JoinPodHandler, MemberQueries, MemberDirectoryQueries, PodQueries, RegionQueries];

@Module({
  imports: [SignInModule, PartnerClientsModule, RolesModule, MemberSettingsModule, PodAdmissionModule, DecisionsModule],
  // Matches reveal contacts between their requester and helper (privacy/member-visibility.ts).
  controllers: [RevealContactsWhenMatchMade, HideContactsWhenMatchWithdrawn],
  providers,
  exports: providers,
})
export class MembershipModule {}
