import { Module } from '@nestjs/common';
import { CreatePodHandler } from './create-pod/create-pod.handler';
import { CreateRegionHandler } from './create-region/create-region.handler';
import { JoinPodHandler } from './join-pod/join-pod.handler';
import { MemberQueries } from './members/member.queries';
import { PodQueries } from './pods/pod.queries';
import { RegionQueries } from './regions/region.queries';
import { MemberSettingsModule } from './member-settings/member-settings.module';
import { RolesModule } from './roles/roles.module';

const providers = [CreateRegionHandler, CreatePodHandler, JoinPodHandler, MemberQueries, PodQueries, RegionQueries];

@Module({ imports: [RolesModule, MemberSettingsModule], providers, exports: providers })
export class MembershipModule {}
