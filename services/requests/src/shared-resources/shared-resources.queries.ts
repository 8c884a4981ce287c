import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { inPodTransaction, query } from '@mutuo/event-store';

export interface SharedResourceRow {
  id: string;
  pod_id: string;
  kind: string;
  name: string;
  lat: number;
  lon: number;
  opening_hours: { byDay: string; opensAt: string; closesAt: string }[];
  status: string;
  stock: { itemCategory: string; amount: number }[];
  last_updated_at: Date | null;
}

@Injectable()
export class SharedResourcesQueries {
  constructor(private readonly em: EntityManager) {}

  /** What the public page shows, found by its token (the token names the pod, so the read stays pod-scoped). */
  async byToken(token: string): Promise<SharedResourceRow | null> {
    if (!/^[A-Za-z0-9_-]{22,64}$/.test(token)) return null;
    const em = this.em.fork();
    const [target] = await query<{ resource_id: string; pod_id: string }>(em, 'select resource_id, pod_id from shared_resource_tokens where token = ?', [
      token,
    ]);
    if (!target) return null;
    return this.byId(target.pod_id, target.resource_id);
  }

  async byId(podId: string, id: string): Promise<SharedResourceRow | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) => query<SharedResourceRow>(tx, 'select * from shared_resources where id = ?', [id]));
    return row ?? null;
  }

  inPod(podId: string): Promise<SharedResourceRow[]> {
    return inPodTransaction(this.em.fork(), podId, (tx) =>
      query<SharedResourceRow>(tx, `select * from shared_resources where status = 'active' order by name`),
    );
  }

  async tokenOf(podId: string, id: string): Promise<string | null> {
    const [row] = await query<{ token: string }>(this.em.fork(), 'select token from shared_resource_tokens where resource_id = ? and pod_id = ?', [id, podId]);
    return row?.token ?? null;
  }
}
