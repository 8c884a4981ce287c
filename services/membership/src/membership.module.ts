import { Module } from '@nestjs/common';
import { CreatePodHandler } from './create-pod/create-pod.handler';
import { CreateRegionHandler } from './create-region/create-region.handler';
import { JoinPodHandler } from './join-pod/join-pod.handler';
import { MemberQueries } from './members/member.queries';
import { PodQueries } from './pods/pod.queries';
import { RegionQueries } from './regions/region.queries';

const providers = [CreateRegionHandler, CreatePodHandler, JoinPodHandler, MemberQueries, PodQueries, RegionQueries];

@Module({ providers, exports: providers })
export class MembershipModule {}
