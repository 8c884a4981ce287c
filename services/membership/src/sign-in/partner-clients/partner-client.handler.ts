import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { memberIdFor } from '@mutuo/contracts';
import { DomainRuleViolation, isUuid } from '@mutuo/domain';
import { CommandHandler, PostgresEventStore, streamName } from '@mutuo/event-store';
import { badUserInput, commandMetadataFrom, forbidden, requirePod, type RequestContext } from '@mutuo/platform';
import { partnerClientDecider, type PartnerClientCommand, type PartnerClientEvent, type PartnerClientState } from '../../domain/partner-client.decider';
import { COORDINATOR_ROLE } from '../../shared/member-visibility';
import { Clock } from '@mutuo/service-kit';
import { RoleQueries } from '../../shared/role.queries';
import { sha256 } from '../keyed-hashes';
import { PartnerClientQueries, type PartnerClientView } from './partner-client.queries';

export interface RegisteredPartnerClient {
  readonly client: PartnerClientView;
  /** Shown once, here; only its hash is kept. */
  readonly clientSecret: string;
}

export const partnerClientStream = (ownerPodId: string, clientId: string) => streamName('partner-client', ownerPodId, clientId);

/**
 * Coordinators register partner apps for the pods they coordinate and revoke them. Who coordinates is read from
 * the role read model, never taken from the token's claims (a token outlives a term).
 */
@Injectable()
export class PartnerClientHandler {
  private readonly commands: CommandHandler<PartnerClientState, PartnerClientCommand, PartnerClientEvent>;

  constructor(
    private readonly em: EntityManager,
    store: PostgresEventStore,
    private readonly roles: RoleQueries,
    private readonly queries: PartnerClientQueries,
    private readonly clock: Clock,
  ) {
    this.commands = new CommandHandler(store, partnerClientDecider);
  }

  async register(input: { name: string; scopes: readonly string[]; podIds?: readonly string[] | null }, ctx: RequestContext): Promise<RegisteredPartnerClient> {
    const { identity, podId: ownerPodId } = this.coordinatorCaller(ctx);
    const podIds = input.podIds ?? [ownerPodId];
    const malformed = podIds.find((podId) => !isUuid(podId));
    if (malformed !== undefined) throw badUserInput('podIds', `"${malformed}" is not a pod id (a UUID)`);
    const candidates = [...new Set([ownerPodId, ...podIds.map((podId) => podId.toLowerCase())])];
    const callerCoordinates = await this.podsCoordinatedBy(identity.subject, candidates);
    if (!callerCoordinates.includes(ownerPodId)) {
      throw new DomainRuleViolation('NOT_COORDINATOR', "Only this pod's coordinators register partner clients");
    }
    const clientId = randomUUID();
    const clientSecret = `mps_${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    const { state } = await this.commands.handle(this.em.fork(), partnerClientStream(ownerPodId, clientId), {
      type: 'RegisterPartnerClient',
      data: { clientId, ownerPodId, name: input.name, scopes: input.scopes, podIds, secretHash: sha256(clientSecret).toString('hex'), callerCoordinates },
      metadata: commandMetadataFrom(ctx, now),
    });
    if (state.status === 'none') throw new Error('A registered partner client must have a state');
    const { name, scopes, podIds: granted } = state;
    return { client: { id: clientId, ownerPodId, name, scopes, podIds: granted, registeredAt: now.toISOString(), revokedAt: null }, clientSecret };
  }

  async revoke(clientId: string, ctx: RequestContext): Promise<PartnerClientView> {
    const { identity, podId } = this.coordinatorCaller(ctx);
    if (!isUuid(clientId)) throw badUserInput('id', 'A partner client id is a UUID');
    const known = await this.queries.inPod(podId, clientId.toLowerCase());
    if (!known) throw new DomainRuleViolation('PARTNER_CLIENT_NOT_FOUND', 'No partner client with this id acts for your pod', 'id');
    const now = this.clock.now();
    await this.commands.handle(this.em.fork(), partnerClientStream(known.ownerPodId, known.id), {
      type: 'RevokePartnerClient',
      data: { clientId: known.id, callerCoordinates: await this.podsCoordinatedBy(identity.subject, [podId]) },
      metadata: commandMetadataFrom(ctx, now),
    });
    return { ...known, revokedAt: known.revokedAt ?? now.toISOString() };
  }

  /** The clients acting for (or registered by) the caller's pod; coordinators only. */
  async list(ctx: RequestContext): Promise<PartnerClientView[]> {
    const { identity, podId } = this.coordinatorCaller(ctx);
    if ((await this.podsCoordinatedBy(identity.subject, [podId])).length === 0) {
      throw forbidden("Only this pod's coordinators see its partner clients");
    }
    return this.queries.ofPod(podId);
  }

  private coordinatorCaller(ctx: RequestContext) {
    const scope = requirePod(ctx);
    if (scope.identity.clientId !== undefined) throw forbidden('Partner clients cannot manage partner clients');
    return scope;
  }

  private async podsCoordinatedBy(personId: string, podIds: readonly string[]): Promise<string[]> {
    const coordinated: string[] = [];
    for (const podId of podIds) {
      const terms = await this.roles.currentTermsOfMember(podId, memberIdFor(podId, personId));
      if (terms.some((term) => term.role === COORDINATOR_ROLE)) coordinated.push(podId);
    }
    return coordinated;
  }
}
