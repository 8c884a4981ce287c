import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { inPodTransaction, query } from '@mutuo/event-store';
import { RoleQueries } from '../../shared/role.queries';

export interface PodStanding {
  readonly podId: string;
  readonly memberId: string;
  readonly regionSlug: string | null;
  /** `member` plus every role the person holds in the pod now (active or in grace), from the role read model. */
  readonly roles: readonly string[];
}

/** What a person's token says about them in one pod, read fresh at every sign-in, refresh and pod switch. */
@Injectable()
export class PersonStandings {
  constructor(
    private readonly em: EntityManager,
    private readonly roles: RoleQueries,
  ) {}

  /** Null when the person is not a member of the pod (never joined, or no longer there). */
  async inPod(personId: string, podId: string): Promise<PodStanding | null> {
    const memberId = memberIdFor(podId, personId);
    const found = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ region_slug: string | null }>(
        tx,
        `select r.slug as region_slug
         from sign_in_people p
         left join pods on pods.id = p.pod_id
         left join regions r on r.id = pods.region_id
         where p.member_id = ? and p.person_id = ?`,
        [memberId, personId],
      ),
    );
    if (found.length === 0) return null;
    const terms = await this.roles.currentTermsOfMember(podId, memberId);
    const roles = ['member', ...new Set(terms.map((term) => term.role))];
    return { podId, memberId, regionSlug: found[0]!.region_slug, roles };
  }
}
