import type { EntityManager } from '@mikro-orm/postgresql';
import { defineProjection, query, setTransactionPod } from '@mutuo/event-store';
import { PARTNER_CLIENT_EVENT_TYPES, type PartnerClientEvent } from '../../domain/partner-client.decider';

/**
 * Partner clients as each pod sees them (`partner_client_grants`, one row per pod the client acts for, plus the
 * registering pod) and the credentials the token endpoint checks (`partner_client_credentials`). A client's event
 * concerns several pods: each row is written with its own pod set, so row-level security checks every one.
 */
export const partnerClientsProjection = defineProjection<PartnerClientEvent>({
  name: 'partner-clients',
  eventTypes: [...PARTNER_CLIENT_EVENT_TYPES],

  async apply(em: EntityManager, event) {
    const at = event.metadata.occurredAt;
    switch (event.type) {
      case 'PartnerClientRegistered': {
        const { clientId, ownerPodId, name, scopes, podIds, secretHash } = event.data;
        await query(
          em,
          `insert into partner_client_credentials (client_id, pod_id, secret_hash, scopes, pod_ids, revoked_at)
           values (?, ?, decode(?, 'hex'), ?::jsonb, ?::jsonb, null) on conflict (client_id) do nothing`,
          [clientId, ownerPodId, secretHash, JSON.stringify(scopes), JSON.stringify(podIds)],
        );
        for (const podId of new Set([ownerPodId, ...podIds])) {
          await setTransactionPod(em, podId);
          await query(
            em,
            `insert into partner_client_grants (client_id, pod_id, owner_pod_id, name, scopes, pod_ids, acts_for, registered_at, revoked_at)
             values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, null) on conflict (client_id, pod_id) do nothing`,
            [clientId, podId, ownerPodId, name, JSON.stringify(scopes), JSON.stringify(podIds), podIds.includes(podId), at],
          );
        }
        await setTransactionPod(em, event.podId);
        return;
      }
      case 'PartnerClientRevoked': {
        const { clientId, ownerPodId, podIds } = event.data;
        await query(em, 'update partner_client_credentials set revoked_at = coalesce(revoked_at, ?) where client_id = ?', [at, clientId]);
        for (const podId of new Set([ownerPodId, ...podIds])) {
          await setTransactionPod(em, podId);
          await query(em, 'update partner_client_grants set revoked_at = coalesce(revoked_at, ?) where client_id = ? and pod_id = ?', [at, clientId, podId]);
        }
        await setTransactionPod(em, event.podId);
        return;
      }
      default:
        return;
    }
  },

  async reset(em: EntityManager) {
    await query(em, 'truncate partner_client_grants, partner_client_credentials');
  },
});
