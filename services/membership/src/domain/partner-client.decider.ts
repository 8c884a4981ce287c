import { isPartnerScope, PARTNER_SCOPES, type PartnerScope } from '@mutuo/contracts';
import { Command, Decider, DomainEvent, DomainRuleViolation, assertNever, eventMetadataFrom, plainText } from '@mutuo/domain';

/**
 * A partner app registered by a pod's coordinator: what it may do (scopes) and for which pods. The client
 * secret is never stored, only its SHA-256 (it is 256 random bits, so no slower hash is needed); the client
 * sees the secret once, in the registration answer.
 */
export interface PartnerClientDetails {
  readonly clientId: string;
  /** The pod of the coordinator who registered it (its stream lives there). */
  readonly ownerPodId: string;
  readonly name: string;
  readonly scopes: readonly PartnerScope[];
  readonly podIds: readonly string[];
}

export type PartnerClientState = { readonly status: 'none' } | (PartnerClientDetails & { readonly status: 'active' | 'revoked' });

export type RegisterPartnerClient = Command<
  'RegisterPartnerClient',
  {
    clientId: string;
    ownerPodId: string;
    name: string;
    scopes: readonly string[];
    podIds: readonly string[];
    secretHash: string;
    /** The pods in which the caller holds the coordinator role now (from the role read model, not the token). */
    callerCoordinates: readonly string[];
  }
>;
export type RevokePartnerClient = Command<'RevokePartnerClient', { clientId: string; callerCoordinates: readonly string[] }>;
export type PartnerClientCommand = RegisterPartnerClient | RevokePartnerClient;

export type PartnerClientRegistered = DomainEvent<'PartnerClientRegistered', PartnerClientDetails & { secretHash: string }>;
export type PartnerClientRevoked = DomainEvent<'PartnerClientRevoked', { clientId: string; ownerPodId: string; podIds: readonly string[] }>;
export type PartnerClientEvent = PartnerClientRegistered | PartnerClientRevoked;

export const PARTNER_CLIENT_EVENT_TYPES = ['PartnerClientRegistered', 'PartnerClientRevoked'] as const satisfies readonly PartnerClientEvent['type'][];

export const MAX_PARTNER_CLIENT_PODS = 20;
const SECRET_HASH = /^[0-9a-f]{64}$/;

export const partnerClientDecider: Decider<PartnerClientState, PartnerClientCommand, PartnerClientEvent> = {
  initialState: () => ({ status: 'none' }),

  decide(command, state) {
    const metadata = eventMetadataFrom(command.metadata);
    switch (command.type) {
      case 'RegisterPartnerClient': {
        if (state.status !== 'none') throw new DomainRuleViolation('PARTNER_CLIENT_EXISTS', 'A partner client with this id exists', 'clientId');
        const { clientId, ownerPodId, secretHash, callerCoordinates } = command.data;
        const name = plainText(command.data.name, { field: 'name', max: 80, code: 'INVALID_CLIENT_NAME' });
        const scopes = grantedScopes(command.data.scopes);
        const podIds = [...new Set(command.data.podIds.map((podId) => podId.toLowerCase()))];
        if (podIds.length === 0 || podIds.length > MAX_PARTNER_CLIENT_PODS) {
          throw new DomainRuleViolation('INVALID_CLIENT_PODS', `Name 1 to ${MAX_PARTNER_CLIENT_PODS} pods the client may act for`, 'podIds');
        }
        const notCoordinated = podIds.find((podId) => !callerCoordinates.includes(podId));
        if (notCoordinated !== undefined) {
          throw new DomainRuleViolation(
            'NOT_COORDINATOR',
            `You are not a coordinator of pod ${notCoordinated}: only its coordinators let a client act for it`,
            'podIds',
          );
        }
        if (!SECRET_HASH.test(secretHash)) throw new Error('The client secret hash must be a SHA-256 in hex');
        return [{ type: 'PartnerClientRegistered', data: { clientId, ownerPodId, name, scopes, podIds, secretHash }, metadata }];
      }
      case 'RevokePartnerClient': {
        if (state.status === 'none') throw new DomainRuleViolation('PARTNER_CLIENT_NOT_FOUND', 'No partner client with this id', 'id');
        const involved = [state.ownerPodId, ...state.podIds];
        // Any pod the client acts for may cut it off: revoking only ever takes access away.
        if (!involved.some((podId) => command.data.callerCoordinates.includes(podId))) {
          throw new DomainRuleViolation('NOT_COORDINATOR', "Only coordinators of the client's pods may revoke it", 'id');
        }
        if (state.status === 'revoked') return [];
        return [{ type: 'PartnerClientRevoked', data: { clientId: state.clientId, ownerPodId: state.ownerPodId, podIds: state.podIds }, metadata }];
      }
      default:
        return assertNever(command, 'partner client command');
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PartnerClientRegistered': {
        const { clientId, ownerPodId, name, scopes, podIds } = event.data;
        return { status: 'active', clientId, ownerPodId, name, scopes, podIds };
      }
      case 'PartnerClientRevoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked' };
      default:
        return assertNever(event, 'partner client event');
    }
  },
};

/** The requested scopes in the order of the shared list, refusing unknown ones and an empty grant. */
function grantedScopes(requested: readonly string[]): PartnerScope[] {
  const unknown = requested.find((scope) => !isPartnerScope(scope));
  if (unknown !== undefined) {
    throw new DomainRuleViolation('INVALID_SCOPES', `"${unknown}" is not a scope; grant some of: ${PARTNER_SCOPES.join(', ')}`, 'scopes');
  }
  if (requested.length === 0) throw new DomainRuleViolation('INVALID_SCOPES', 'Grant the client at least one scope', 'scopes');
  return PARTNER_SCOPES.filter((scope) => requested.includes(scope));
}
