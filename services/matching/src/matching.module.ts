import { Module } from '@nestjs/common';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { EscalateUnmatchedRequestsScheduler } from './escalation/escalate-unmatched-requests.scheduler';
import { ForgetMemberWhenErased } from './forget-members/forget-member-when-erased.handler';
import { ForgetMemberWhenLeft } from './forget-members/forget-member-when-left.handler';
import { DirectHelpHandler } from './direct-help/direct-help.handler';
import { MatchLifecycleHandler } from './match-lifecycle/match-lifecycle.handler';
import { SetEscalationDeadlinesHandler } from './pod-settings/set-escalation-deadlines.handler';
import { MATCHING_OPTIONS, matchingOptionsFrom } from './matching.options';
import { RequestMatchingQueries } from './shared/request-matching.queries';
import { StopEscalatingWhenPodLeftRegion } from './stop-escalating-when-pod-left-region/stop-escalating-when-pod-left-region.handler';
import { SuggestHelpersWhenRequestPosted } from './suggest-helpers/suggest-helpers-when-request-posted.handler';
import { SuggestHelpersService } from './shared/suggest-helpers.service';
import { SuggestionsQueries } from './shared/suggestions.queries';
import { TrackHelperBlocks } from './track-availability/track-helper-blocks.handler';
import { TrackHelperBoundaries } from './track-availability/track-helper-boundaries.handler';
import { TrackHelperPauses } from './track-availability/track-helper-pauses.handler';
import { TrackHelpersWhenMemberJoined } from './track-helpers/track-helpers-when-member-joined.handler';
import { TrackMemberProfiles } from './track-helpers/track-member-profiles.handler';
import { TrackOffers } from './track-offers/track-offers.handler';
import { TrackPods } from './track-pods/track-pods.handler';
import { StopMatchingWhenRequestClosed } from './track-requests/stop-matching-when-request-closed.handler';

const providers = [
  optionsFromEnvironment(MATCHING_OPTIONS, matchingOptionsFrom),
  SuggestHelpersService,
  MatchLifecycleHandler,
  DirectHelpHandler,
  SetEscalationDeadlinesHandler,
  EscalateUnmatchedRequestsScheduler,
  RequestMatchingQueries,
  SuggestionsQueries,
];

@Module({
  controllers: [
    TrackHelpersWhenMemberJoined,
    TrackMemberProfiles,
    TrackHelperPauses,
    TrackHelperBlocks,
    TrackHelperBoundaries,
    ForgetMemberWhenLeft,
    ForgetMemberWhenErased,
    TrackPods,
    TrackOffers,
    SuggestHelpersWhenRequestPosted,
    StopMatchingWhenRequestClosed,
    StopEscalatingWhenPodLeftRegion,
  ],
  providers,
  exports: [
    MatchLifecycleHandler,
    DirectHelpHandler,
    SetEscalationDeadlinesHandler,
    RequestMatchingQueries,
    SuggestionsQueries,
    EscalateUnmatchedRequestsScheduler,
    SuggestHelpersService,
  ],
})
export class MatchingModule {}
