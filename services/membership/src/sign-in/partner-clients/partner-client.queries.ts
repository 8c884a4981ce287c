import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { PartnerScope } from '@mutuo/contracts';
import { inPodTransaction, query } from '@mutuo/event-store';
import { SignInDirectory } from '../sign-in-directory.queries';

/** A partner client as a pod's coordinators see it. */
export interface PartnerClientView {
  readonly id: string;
  readonly ownerPodId: string;
  readonly name: string;
  readonly scopes: readonly PartnerScope[];
  readonly podIds: readonly string[];
  readonly registeredAt: string;
  readonly revokedAt: string | null;
}

export interface PartnerClientCredentials {
  readonly clientId: string;
  readonly secretHash: Buffer;
  readonly scopes: readonly PartnerScope[];
  readonly podIds: readonly string[];
  readonly revoked: boolean;
}

interface GrantRow {
  client_id: string;
  owner_pod_id: string;
  name: string;
  scopes: PartnerScope[];
  pod_ids: string[];
  registered_at: Date;
  revoked_at: Date | null;
}

@Injectable()
export class PartnerClientQueries {
  constructor(
    private readonly em: EntityManager,
    private readonly directory: SignInDirectory,
  ) {}

  /** Clients that act for the pod or that it registered, newest first. */
  async ofPod(podId: string): Promise<PartnerClientView[]> {
    const rows = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<GrantRow>(
        tx,
        `select client_id, owner_pod_id, name, scopes, pod_ids, registered_at, revoked_at from partner_client_grants
         where pod_id = ? order by registered_at desc, client_id`,
        [podId],
      ),
    );
    return rows.map(toView);
  }

  async inPod(podId: string, clientId: string): Promise<PartnerClientView | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<GrantRow>(
        tx,
        `select client_id, owner_pod_id, name, scopes, pod_ids, registered_at, revoked_at from partner_client_grants
         where pod_id = ? and client_id = ?`,
        [podId, clientId],
      ),
    );
    return row ? toView(row) : null;
  }

  /** For the token endpoint, which knows no pod until the client is authenticated. */
  async credentials(clientId: string): Promise<PartnerClientCredentials | null> {
    const [row] = await this.directory.acrossPods((tx) =>
      query<{ client_id: string; secret_hash: Buffer; scopes: PartnerScope[]; pod_ids: string[]; revoked_at: Date | null }>(
        tx,
        'select client_id, secret_hash, scopes, pod_ids, revoked_at from partner_client_credentials where client_id = ?',
        [clientId],
      ),
    );
    return row ? { clientId: row.client_id, secretHash: row.secret_hash, scopes: row.scopes, podIds: row.pod_ids, revoked: row.revoked_at !== null } : null;
  }

  /** The slug of a pod's region, for the token's `region` claim; null when the pod is not known here. */
  async regionOfPod(podId: string): Promise<{ regionSlug: string | null } | null> {
    const [row] = await inPodTransaction(this.em.fork(), podId, (tx) =>
      query<{ slug: string | null }>(tx, 'select r.slug from pods p left join regions r on r.id = p.region_id where p.id = ?', [podId]),
    );
    return row ? { regionSlug: row.slug } : null;
  }
}

function toView(row: GrantRow): PartnerClientView {
  return {
    id: row.client_id,
    ownerPodId: row.owner_pod_id,
    name: row.name,
    scopes: row.scopes,
    podIds: row.pod_ids,
    registeredAt: new Date(row.registered_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}
