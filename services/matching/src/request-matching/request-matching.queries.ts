import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { RequestMatchingSchema, type RequestMatching } from './request-matching.entity';

@Injectable()
export class RequestMatchingQueries {
  constructor(private readonly em: EntityManager) {}

  forRequest(podId: string, requestId: string): Promise<RequestMatching | null> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(RequestMatchingSchema, { requestId }));
  }
}
