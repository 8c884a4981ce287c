import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';

export interface IncidentRow {
  id: string;
  pod_id: string;
  name: string;
  type: string;
  area: unknown;
  started_at: Date;
  status: string;
  declared_at: Date;
  closed_at: Date | null;
  summary: { requestsReceived: number; requestsMatched: number; requestsFulfilled: number; medianMinutesToFirstMatch: number | null } | null;
}

@Injectable()
export class IncidentsQueries {
  constructor(private readonly em: EntityManager) {}

  inPod(podId: string): Promise<IncidentRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) => query<IncidentRow>(tx, 'select * from incidents order by declared_at desc limit 100'));
  }

  async byId(podId: string, id: string): Promise<IncidentRow | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) => query<IncidentRow>(tx, 'select * from incidents where id = ?', [id]));
    return row ?? null;
  }
}
