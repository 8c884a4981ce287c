import { badUserInput, forbidden, requireIdentity, type Identity, type RequestContext } from '@mutuo/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids from clients become stream names and SQL parameters only once they look like ids. */
export function requireUuid(field: string, value: string): string {
  if (!UUID.test(value)) throw badUserInput(field, `${field} must be an id this API returned`);
  return value.toLowerCase();
}

/**
 * Joining, applying, acknowledging and leaving are a person's own acts: a partner app's token (which carries
 * scopes, where a person's carries none) may not do them on anyone's behalf.
 */
export function requirePerson(ctx: RequestContext): Identity {
  const identity = requireIdentity(ctx);
  if (identity.scopes !== undefined) throw forbidden('Only a person can do this for themself, not a partner app');
  return identity;
}
