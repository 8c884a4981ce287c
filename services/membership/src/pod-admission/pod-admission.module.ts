import { Module } from '@nestjs/common';
import { AgreementsHandler } from './agreements/agreements.handler';
import { AgreementsQueries } from './agreements/agreements.queries';
import { EraseMemberHandler } from './erasure/erase-member.handler';
import { PersonalDataExportQueries } from './erasure/personal-data-export.queries';
import { LeavePodHandler } from './leaving/leave-pod.handler';
import { InviteCodesHandler } from './member-admission/invite-codes.handler';
import { MemberAdmissionHandler } from './member-admission/member-admission.handler';
import { MemberAdmissionQueries } from './member-admission/member-admission.queries';
import { MemberSettingsModule } from '../member-settings/member-settings.module';
import { PodSettingsHandler } from './pod-settings/pod-settings.handler';
import { PodSettingsQueries } from './pod-settings/pod-settings.queries';
import { RolesModule } from '../roles/roles.module';
import { JoinRegionHandler } from './join-region.handler';
import { LeaveRegionHandler } from './leave-region.handler';
import { PodApplicationHandler } from './pod-application.handler';
import { PodApplicationQueries } from './pod-application.queries';
import { PodFacts } from '../shared/pod-facts';

const providers = [
  PodFacts,
  PodApplicationHandler,
  PodApplicationQueries,
  LeaveRegionHandler,
  JoinRegionHandler,
  PodSettingsHandler,
  PodSettingsQueries,
  AgreementsHandler,
  AgreementsQueries,
  InviteCodesHandler,
  MemberAdmissionHandler,
  MemberAdmissionQueries,
  LeavePodHandler,
  EraseMemberHandler,
  PersonalDataExportQueries,
];

/** How pods join and leave regions and set how they work, and how people join and leave pods. */
@Module({ imports: [RolesModule, MemberSettingsModule], providers, exports: providers })
export class PodAdmissionModule {}
