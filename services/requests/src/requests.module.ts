import { Module } from '@nestjs/common';
import { PostRequestHandler } from './post-request/post-request.handler';
import { RequestDetailsQueries } from './request-details/request-details.queries';

@Module({
  providers: [PostRequestHandler, RequestDetailsQueries],
  exports: [PostRequestHandler, RequestDetailsQueries],
})
export class RequestsModule {}
