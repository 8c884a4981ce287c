import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { RequestVisibility } from '@mutuo/contracts';
import type { HelpFacts } from '../domain/help-facts';
import { query } from '@mutuo/event-store';

export interface PodFacts {
  readonly regionId: string | null;
  /** The pod's default for new requests and offers; null until membership says. */
  readonly requestVisibility: RequestVisibility | null;
}

/** New facts from the API: without a visibility, the pod's default applies. */
export type NewHelpFacts = Omit<HelpFacts, 'visibility'> & { visibility: RequestVisibility | null };

export function withPodDefaults<Facts extends NewHelpFacts>(facts: Facts, pod: PodFacts): Omit<Facts, 'visibility'> & Pick<HelpFacts, 'visibility'> {
  return { ...facts, visibility: facts.visibility ?? pod.requestVisibility ?? 'pod' };
}

/** What requests knows about a pod and its region (from membership's events). */
@Injectable()
export class PodFactsQueries {
  constructor(private readonly em: EntityManager) {}

  async of(podId: string): Promise<PodFacts> {
    const [row] = await query<{ region_id: string | null; request_visibility: RequestVisibility | null }>(
      this.em.fork(),
      'select region_id, request_visibility from pod_facts where pod_id = ?',
      [podId],
    );
    return { regionId: row?.region_id ?? null, requestVisibility: row?.request_visibility ?? null };
  }

  /** Whether the region a token names by slug is the pod's region now. */
  async isPodInRegion(podId: string, regionSlug: string): Promise<boolean> {
    const rows = await query(this.em.fork(), 'select 1 from pod_facts p join region_slugs r on r.region_id = p.region_id where p.pod_id = ? and r.slug = ?', [
      podId,
      regionSlug,
    ]);
    return rows.length > 0;
  }
}
