import { Module } from '@nestjs/common';
import { SERVICE_ENV } from '@mutuo/service-kit';
import { MemberBlocksHandler } from './blocks/member-blocks.handler';
import { MemberBoundariesHandler } from './boundaries/member-boundaries.handler';
import { PAUSE_RETURN_OPTIONS, pauseReturnOptionsFrom } from './boundaries/pause-return.options';
import { PauseReturnScheduler } from './boundaries/pause-return.scheduler';
import { MemberPrivacy } from '../shared/member-privacy';
import { MemberProfileHandler } from './profile/member-profile.handler';
import { MemberSettingsQueries } from '../shared/member-settings.queries';
import { MemberStream } from '../shared/member-stream';

const services = [
  MemberStream,
  MemberSettingsQueries,
  MemberPrivacy,
  MemberProfileHandler,
  MemberBlocksHandler,
  MemberBoundariesHandler,
  PauseReturnScheduler,
];

/** A member's own settings: profile and contact channels, blocks, boundaries and stepping back. */
@Module({
  providers: [{ provide: PAUSE_RETURN_OPTIONS, useFactory: (env: NodeJS.ProcessEnv) => pauseReturnOptionsFrom(env), inject: [SERVICE_ENV] }, ...services],
  exports: services,
})
export class MemberSettingsModule {}
