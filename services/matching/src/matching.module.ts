import { Module } from '@nestjs/common';
import { EvaluateRequestWhenRequestPosted } from './evaluate-request/evaluate-request-when-request-posted.handler';
import { RequestMatchingQueries } from './request-matching/request-matching.queries';
import { TrackHelperBlocks } from './track-availability/track-helper-blocks.handler';
import { TrackHelperPauses } from './track-availability/track-helper-pauses.handler';
import { TrackHelpersWhenMemberJoined } from './track-helpers/track-helpers-when-member-joined.handler';

@Module({
  controllers: [TrackHelpersWhenMemberJoined, TrackHelperPauses, TrackHelperBlocks, EvaluateRequestWhenRequestPosted],
  providers: [RequestMatchingQueries],
  exports: [RequestMatchingQueries],
})
export class MatchingModule {}
