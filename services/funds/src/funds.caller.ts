import type { EntityManager } from '@mikro-orm/postgresql';
import type { CommandMetadata } from '@mutuo/domain';
import { actingMember, commandMetadataFrom, forbidden, requireIdentity, type RequestContext } from '@mutuo/platform';
import type { PodRoles } from './shared/pod-roles.repository';

/** A signed-in member of a pod, acting on its funds, with the roles funds knows them to hold. */
export interface FundsCaller {
  readonly podId: string;
  readonly memberId: string;
  readonly treasurer: boolean;
  readonly coordinator: boolean;
  readonly metadata: CommandMetadata;
}

/** Pod and member come from the verified token; roles from funds' own role record (a token can outlive a term). */
export async function fundsCaller(em: EntityManager, roles: PodRoles, ctx: RequestContext, now: Date): Promise<FundsCaller> {
  const { podId, memberId } = actingMember(ctx);
  // No partner scope covers a pod's money.
  if (requireIdentity(ctx).clientId !== undefined) throw forbidden("Partner clients may not use a pod's funds");
  const held = await roles.of(em, podId, memberId);
  return { podId, memberId, ...held, metadata: { ...commandMetadataFrom(ctx, now), podId } };
}
