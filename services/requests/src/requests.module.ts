import { Module } from '@nestjs/common';
import { EditRequestHandler } from './edit-request/edit-request.handler';
import { EXPIRY_OPTIONS, expiryOptionsFrom } from './expiry/expiry.options';
import { ExpireDueScheduler } from './expiry/expire-due.scheduler';
import { IncidentHandler } from './incidents/incident.handler';
import { IncidentsQueries } from './incidents/incidents.queries';
import { OfferBoardQueries } from './shared/offer-board.queries';
import { OfferCommandsHandler } from './offers/offer-commands.handler';
import { PostRequestHandler } from './post-request/post-request.handler';
import { BlankAuthorWhenMemberErased } from './reactions/blank-author-when-member-erased.handler';
import { FollowMatchesWhenMatchMade } from './reactions/follow-matches-when-match-made.handler';
import { RequestDetailsQueries } from './shared/request-details.queries';
import { RequestProgressHandler } from './request-progress/request-progress.handler';
import { optionsFromEnvironment } from '@mutuo/service-kit';
import { PodFactsQueries } from './shared/pod-facts';
import { PodResponseTargets } from './shared/response-targets';
import { TrackPodsWhenPodCreated } from './reactions/track-pods-when-pod-created.handler';
import { SharedResourceHandler } from './shared-resources/shared-resource.handler';
import { SharedResourcesQueries } from './shared-resources/shared-resources.queries';

const handlersAndQueries = [
  PodFactsQueries,
  PodResponseTargets,
  PostRequestHandler,
  EditRequestHandler,
  RequestProgressHandler,
  RequestDetailsQueries,
  OfferCommandsHandler,
  OfferBoardQueries,
  SharedResourceHandler,
  SharedResourcesQueries,
  IncidentHandler,
  IncidentsQueries,
  ExpireDueScheduler,
];

@Module({
  controllers: [FollowMatchesWhenMatchMade, BlankAuthorWhenMemberErased, TrackPodsWhenPodCreated],
  providers: [optionsFromEnvironment(EXPIRY_OPTIONS, expiryOptionsFrom), ...handlersAndQueries],
  exports: handlersAndQueries,
})
export class RequestsModule {}
