import type { INestApplication } from '@nestjs/common';
import { mergeResolvers, type SubgraphContext } from '@mutuo/platform';
import { editRequestResolvers } from '../edit-request/edit-request.resolvers';
import { incidentsResolvers } from '../incidents/incidents.resolvers';
import { offersResolvers } from '../offers/offers.resolvers';
import { postRequestResolvers } from '../post-request/post-request.resolvers';
import { requestDetailsResolvers } from '../request-details/request-details.resolvers';
import { requestProgressResolvers } from '../request-progress/request-progress.resolvers';
import { responseTargetsResolvers } from '../response-targets/response-targets.resolvers';
import { sharedResourcesResolvers } from '../shared-resources/shared-resources.resolvers';

/** The service's resolvers: each use case's part, merged. */
export function requestsResolvers(app: INestApplication) {
  return mergeResolvers<SubgraphContext>(
    requestDetailsResolvers(app),
    postRequestResolvers(app),
    editRequestResolvers(app),
    requestProgressResolvers(app),
    offersResolvers(app),
    responseTargetsResolvers(app),
    incidentsResolvers(app),
    sharedResourcesResolvers(app),
  );
}
