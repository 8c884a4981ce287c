import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction } from '@mutuo/event-store';
import { MemberViewSchema, type MemberView } from './member.entity';

/** Members are read inside the caller's pod only (row-level security): other pods' members do not exist here. */
@Injectable()
export class MemberQueries {
  constructor(private readonly em: EntityManager) {}

  byId(podId: string, memberId: string): Promise<MemberView | null> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.findOne(MemberViewSchema, { id: memberId }));
  }

  byIds(podId: string, memberIds: readonly string[]): Promise<MemberView[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => tx.find(MemberViewSchema, { id: { $in: [...memberIds] } }));
  }
}
