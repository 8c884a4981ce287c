import { Module } from '@nestjs/common';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { MemberBlocksHandler } from './blocks/member-blocks.handler';
import { MemberBoundariesHandler } from './boundaries/member-boundaries.handler';
import { PAUSE_RETURN_OPTIONS, pauseReturnOptionsFrom } from './boundaries/pause-return.options';
import { PauseReturnScheduler } from './boundaries/pause-return.scheduler';
import { MemberPrivacy } from '../shared/member-privacy';
import { MemberProfileHandler } from './profile/member-profile.handler';
import { MemberSettingsQueries } from '../shared/member-settings.queries';
import { MemberStream } from '../shared/member-stream';

const services = [MemberStream, MemberSettingsQueries, MemberPrivacy, MemberProfileHandler, MemberBlocksHandler, MemberBoundariesHandler, PauseReturnScheduler];

/** A member's own settings: profile and contact channels, blocks, boundaries and stepping back. */
@Module({
  providers: [optionsFromEnvironment(PAUSE_RETURN_OPTIONS, pauseReturnOptionsFrom), ...services],
  exports: services,
})
export class MemberSettingsModule {}
