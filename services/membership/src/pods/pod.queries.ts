import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { PodViewSchema, type PodView } from './pod.entity';

@Injectable()
export class PodQueries {
  constructor(private readonly em: EntityManager) {}

  /** A pod is visible to its own members (the pod in their token). */
  byId(callerPodId: string, podId: string): Promise<PodView | null> {
    return inPodTransaction(this.em.fork(), callerPodId, (tx) => tx.findOne(PodViewSchema, { id: podId }));
  }

  /** Several pods in one query, as `byId` reads one: only the caller's own pod is found. */
  byIds(callerPodId: string, podIds: readonly string[]): Promise<PodView[]> {
    return inPodTransaction(this.em.fork(), callerPodId, (tx) => tx.find(PodViewSchema, { id: { $in: [...podIds] } }));
  }
}
