import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { AccountViewSchema, type AccountView } from './account.entity';

@Injectable()
export class PodAccountsQueries {
  constructor(private readonly em: EntityManager) {}

  forPod(podId: string): Promise<AccountView[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(AccountViewSchema, { podId }, { orderBy: { openedAt: 'asc' } }));
  }
}
