import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { claimIdempotencyKey, type IdempotentInput } from '@mutuo/event-store';
import type { FundsCaller } from './funds.caller';
import { checkUuid } from './funds.input';

/**
 * The id of what a creating mutation makes, inside its transaction: the client's own id when it gave one (funds took
 * those before idempotency keys existed, and a repeated id already records once), else the id the client's
 * idempotency key maps to (a retry gets the first call's id, so the command finds its work done), else a new one.
 */
export async function creationId(
  tx: EntityManager,
  caller: FundsCaller,
  operation: string,
  input: IdempotentInput & object,
  clientId: { readonly value: string | null | undefined; readonly field: string },
): Promise<string> {
  const { idempotencyKey, ...asked } = input;
  const ownId = clientId.value ? checkUuid(clientId.value, clientId.field) : null;
  const claim = await claimIdempotencyKey(
    tx,
    { key: idempotencyKey, podId: caller.podId, actorId: caller.memberId, operation: `funds.${operation}`, input: asked },
    () => ownId ?? randomUUID(),
  );
  return claim.id;
}
