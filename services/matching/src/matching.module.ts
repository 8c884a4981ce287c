import { Module } from '@nestjs/common';
import { EvaluateRequestWhenRequestPosted } from './evaluate-request/evaluate-request-when-request-posted.handler';
import { RequestMatchingQueries } from './request-matching/request-matching.queries';
import { TrackHelpersWhenMemberJoined } from './track-helpers/track-helpers-when-member-joined.handler';

@Module({
  controllers: [TrackHelpersWhenMemberJoined, EvaluateRequestWhenRequestPosted],
  providers: [RequestMatchingQueries],
  exports: [RequestMatchingQueries],
})
export class MatchingModule {}
